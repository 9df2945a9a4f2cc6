import type { GenerationRequest } from '../core/imagine-request.js';
import type { ModelFamily } from '../core/models/model-spec.js';
import { buildGeminiRequest } from './gemini-request.js';
import { buildGptImageRequest } from './gpt-image-request.js';
import { buildQwenRequest } from './qwen-request.js';
import { buildSeedreamRequest } from './seedream-request.js';

/** One upstream call of a request that may need several (models that make one image per call). */
export interface UpstreamCall {
  /** How many images this call asks for. */
  readonly count: number;
  /** The seed of this call (the request's seed + the call's index), when the model takes one. */
  readonly seed?: number;
  /** Input images as data URLs, already prepared to the family's formats and byte limits. */
  readonly imageUrls: readonly string[];
}

export interface UpstreamRequest {
  readonly method: 'POST';
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export type RequestBuilder = (request: GenerationRequest, call: UpstreamCall) => UpstreamRequest;

export type ImageApiDialect = 'documented';

const documentedBuilders: Record<ModelFamily, RequestBuilder> = {
  gemini: buildGeminiRequest,
  seedream: buildSeedreamRequest,
  'gpt-image': buildGptImageRequest,
  qwen: buildQwenRequest,
};

/** The seam where a second gateway dialect plugs in: builders are chosen per model family and dialect. */
export function chooseRequestBuilder(family: ModelFamily, _dialect: ImageApiDialect = 'documented'): RequestBuilder {
  return documentedBuilders[family];
}

/** Splits a request for N images into calls of at most the model's per-call maximum, each with its own seed. */
export function planUpstreamCalls(request: GenerationRequest, imageUrls: readonly string[]): UpstreamCall[] {
  const calls: UpstreamCall[] = [];
  let remaining = request.count;
  while (remaining > 0) {
    const count = Math.min(remaining, request.model.maxOutputsPerCall);
    const index = calls.length;
    calls.push({
      count,
      ...(request.seed !== undefined ? { seed: (request.seed + index) % 2_147_483_648 } : {}),
      imageUrls,
    });
    remaining -= count;
  }
  return calls;
}

export const generationsPath = '/v1/images/generations';
