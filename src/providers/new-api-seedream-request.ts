import type { GenerationRequest } from '../core/imagine-request.js';
import type { UpstreamCall, UpstreamRequest } from './request-builder.js';
import { buildSeedreamRequest } from './seedream-request.js';

/**
 * Doubao Seedream / SeedEdit on stock new-api: only the fields its image request keeps reach Ark (`image`, `size`,
 * `watermark`, `response_format`, and `n`, always sent); `seed` would be dropped, so it is not sent (validation
 * told the member). The Ark body comes back as is: URLs to download at once.
 */
export function buildNewApiSeedreamRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  const { seed: _dropped, ...withoutSeed } = call;
  const documented = buildSeedreamRequest(request, withoutSeed);
  const { response_format, ...fields } = documented.body;
  return { ...documented, body: { ...fields, n: call.count, response_format } };
}
