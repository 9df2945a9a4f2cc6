import type { GenerationRequest } from '../core/imagine-request.js';
import { generationsPath, type UpstreamCall, type UpstreamRequest } from './request-builder.js';

/**
 * Doubao Seedream / SeedEdit on stock new-api: only the fields its image request keeps reach Ark (`image`, `size`,
 * `watermark`, `response_format`, and `n`, always sent); `seed` would be dropped, so it is not sent (validation
 * told the member). The Ark body comes back as is: URLs to download at once.
 */
export function buildNewApiSeedreamRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  const { model } = request;
  const image =
    call.imageUrls.length === 0 ? {} : { image: model.maxInputImages === 1 ? call.imageUrls[0] : [...call.imageUrls] };
  return {
    method: 'POST',
    path: generationsPath,
    body: {
      model: model.id,
      prompt: request.prompt,
      ...image,
      ...(request.size !== undefined ? { size: request.size } : {}),
      watermark: model.wire.watermark ?? false,
      n: call.count,
      response_format: model.responseFormat,
    },
  };
}
