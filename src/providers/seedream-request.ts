import type { GenerationRequest } from '../core/imagine-request.js';
import { generationsPath, type UpstreamCall, type UpstreamRequest } from './upstream-request.js';

/**
 * Doubao Seedream / SeedEdit: `image` is one string for single-input models (SeedEdit) and an array for the
 * fusion models; results come back as URLs (valid about 24 h) that the client downloads at once. `guidance_scale` is
 * the catalogue's (`wire.guidanceScale`), sent only when set.
 */
export function buildSeedreamRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
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
      ...(call.seed !== undefined ? { seed: call.seed } : {}),
      ...(model.wire.guidanceScale !== undefined ? { guidance_scale: model.wire.guidanceScale } : {}),
      response_format: model.responseFormat,
    },
  };
}
