import type { GenerationRequest } from '../core/imagine-request.js';
import { outputsPerCall } from '../core/models/dialect-support.js';
import type { ImageApiDialect, ModelFamily } from '../core/models/model-spec.js';
import { buildGeminiRequest } from './gemini-request.js';
import { buildGptImageRequest } from './gpt-image-request.js';
import { buildNewApiGeminiRequest } from './new-api-gemini-request.js';
import { buildNewApiGptImageRequest } from './new-api-gpt-image-request.js';
import { buildNewApiQwenRequest } from './new-api-qwen-request.js';
import { buildNewApiSeedreamRequest } from './new-api-seedream-request.js';
import { buildQwenRequest } from './qwen-request.js';
import { buildSeedreamRequest } from './seedream-request.js';
import type { RequestBuilder, UpstreamCall } from './upstream-request.js';

export type { ImageApiDialect } from '../core/models/model-spec.js';

const builders: Record<ImageApiDialect, Record<ModelFamily, RequestBuilder>> = {
  documented: {
    gemini: buildGeminiRequest,
    seedream: buildSeedreamRequest,
    'gpt-image': buildGptImageRequest,
    qwen: buildQwenRequest,
  },
  'new-api': {
    gemini: buildNewApiGeminiRequest,
    seedream: buildNewApiSeedreamRequest,
    'gpt-image': buildNewApiGptImageRequest,
    qwen: buildNewApiQwenRequest,
  },
};

/** The dialect seam: builders are chosen per model family and gateway dialect. */
export function chooseRequestBuilder(family: ModelFamily, dialect: ImageApiDialect = 'documented'): RequestBuilder {
  return builders[dialect][family];
}

/**
 * Splits a request for N images into calls of at most what one call of the model returns through the dialect's
 * gateway, each with its own seed.
 */
export function planUpstreamCalls(
  request: GenerationRequest,
  imageUrls: readonly string[],
  extras: { readonly maskUrl?: string; readonly dialect?: ImageApiDialect } = {},
): UpstreamCall[] {
  const calls: UpstreamCall[] = [];
  const perCall = outputsPerCall(request.model, extras.dialect ?? request.model.dialect ?? 'documented');
  let remaining = request.count;
  while (remaining > 0) {
    const count = Math.min(remaining, perCall);
    const index = calls.length;
    calls.push({
      count,
      ...(request.seed !== undefined ? { seed: (request.seed + index) % 2_147_483_648 } : {}),
      imageUrls,
      ...(extras.maskUrl !== undefined ? { maskUrl: extras.maskUrl } : {}),
    });
    remaining -= count;
  }
  return calls;
}
