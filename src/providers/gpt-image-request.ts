import type { GenerationRequest } from '../core/imagine-request.js';
import { gptImageOptions } from './gpt-image-options.js';
import { generationsPath, type RequestOptions, type UpstreamCall, type UpstreamRequest } from './upstream-request.js';

/**
 * GPT Image: one of three sizes, `quality`, `n` up to 10 per call; always answers base64, so no `response_format`.
 * Input images go in `image` (a sibling gateway's docs) or, when the catalogue says so, in `contents`.
 */
export function buildGptImageRequest(
  request: GenerationRequest,
  call: UpstreamCall,
  options?: RequestOptions,
): UpstreamRequest {
  const { model } = request;
  const useContents = model.wire.gptImageInputField === 'contents';
  const images =
    call.imageUrls.length === 0
      ? {}
      : useContents
        ? {
            contents: [
              { role: 'user', parts: [{ text: request.prompt }, ...call.imageUrls.map((image) => ({ image }))] },
            ],
          }
        : { image: call.imageUrls.length === 1 ? call.imageUrls[0] : [...call.imageUrls] };
  return {
    method: 'POST',
    path: generationsPath,
    body: { model: model.id, prompt: request.prompt, ...images, ...gptImageOptions(request, options), n: call.count },
  };
}
