import type { GenerationRequest } from '../core/imagine-request.js';
import { buildSeedreamRequest } from './seedream-request.js';
import type { UpstreamCall, UpstreamRequest } from './upstream-request.js';

/**
 * Doubao Seedream / SeedEdit on stock new-api: only the fields its image request keeps reach Ark (`image`, `size`,
 * `watermark`, `response_format`, and `n`, always sent); `seed` and `guidance_scale` would be dropped, so they are
 * not sent (validation told the member). Where the operator turned on body pass-through for the channel
 * (`wire.seedreamPassThrough`), the body reaches Ark as written: `seed` and `guidance_scale` go too, and
 * `sequential_image_generation: "disabled"` keeps one image per call (with `auto` the model decides how many to
 * make, so `--n` could not be kept). The Ark body comes back as is: URLs to download at once.
 */
export function buildNewApiSeedreamRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  const passThrough = request.model.wire.seedreamPassThrough === true;
  const { seed: _dropped, ...withoutSeed } = call;
  const documented = buildSeedreamRequest(request, passThrough ? call : withoutSeed);
  const { response_format, guidance_scale, ...fields } = documented.body;
  const passed = passThrough
    ? {
        ...(guidance_scale !== undefined ? { guidance_scale } : {}),
        sequential_image_generation: 'disabled',
      }
    : {};
  return { ...documented, body: { ...fields, ...passed, n: call.count, response_format } };
}
