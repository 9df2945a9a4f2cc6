import type { GenerationRequest } from '../core/imagine-request.js';

/*
 * What a request builder takes and makes: a leaf every builder imports, so the builders and the table that chooses
 * between them (`request-builder.ts`) never import each other.
 */

/** One upstream call of a request that may need several (models that make one image per call). */
export interface UpstreamCall {
  /** How many images this call asks for. */
  readonly count: number;
  /** The seed of this call (the request's seed + the call's index), when the model takes one. */
  readonly seed?: number;
  /** Input images as data URLs, already prepared to the family's formats and byte limits. */
  readonly imageUrls: readonly string[];
  /** The inpainting mask as a PNG data URL, sized to the first input image (GPT Image edits). */
  readonly maskUrl?: string;
}

/** Operator settings that shape requests beyond the member's options. */
export interface RequestOptions {
  /** GPT Image `moderation`: `low` is sent; `auto` is the upstream default and is not. */
  readonly gptImageModeration?: 'auto' | 'low';
  /**
   * The smallest upload cap of the platforms the bot posts to: GPT Image is asked for WEBP or JPEG (with
   * `output_compression`) when its PNG could pass it, instead of a re-encode at every delivery.
   */
  readonly uploadLimitBytes?: number;
}

/** How a call's answer is read: `data[]` of the images endpoints, a chat completion, or a native Gemini answer. */
export type UpstreamRoute = 'images' | 'chat' | 'gemini-native';

/** One file part of a multipart request. */
export interface UpstreamFile {
  readonly field: string;
  readonly filename: string;
  readonly mimeType: string;
  readonly bytes: Uint8Array;
}

export interface UpstreamRequest {
  readonly method: 'POST';
  readonly path: string;
  /** The JSON body; for a multipart request, its text fields (in order). */
  readonly body: Record<string, unknown>;
  /** Present for a `multipart/form-data` request (GPT Image edits on stock new-api). */
  readonly files?: readonly UpstreamFile[];
  /** How the answer is read; `images` when absent. */
  readonly route?: UpstreamRoute;
}

export type RequestBuilder = (
  request: GenerationRequest,
  call: UpstreamCall,
  options?: RequestOptions,
) => UpstreamRequest;

export const generationsPath = '/v1/images/generations';
export const editsPath = '/v1/images/edits';
export const chatCompletionsPath = '/v1/chat/completions';
