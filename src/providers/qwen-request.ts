import type { GenerationRequest } from '../core/imagine-request.js';
import { generationsPath, type UpstreamCall, type UpstreamRequest } from './upstream-request.js';

/**
 * Qwen: sizes as `W*H`, one image per call. The docs disagree on whether options sit in a `parameters` object
 * or flat; the catalogue's `wire.qwenOptions` picks (`both` by default: the gateway ignores the copy it does not read).
 * Edits send 1–3 `{image}` parts and then one `{text}` part in `contents`.
 */
export function buildQwenRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  const { model } = request;
  const options = {
    ...(request.size !== undefined ? { size: request.size } : {}),
    n: call.count,
    ...(call.seed !== undefined ? { seed: call.seed } : {}),
    ...(request.negativePrompt !== undefined ? { negative_prompt: request.negativePrompt } : {}),
    watermark: model.wire.watermark ?? false,
    ...(request.promptExtend ? { prompt_extend: true } : {}),
  };
  const style = model.wire.qwenOptions ?? 'both';
  const placed = {
    ...(style !== 'parameters' ? options : {}),
    ...(style !== 'flat' ? { parameters: { ...options, prompt_extend: request.promptExtend === true } } : {}),
  };
  const input =
    call.imageUrls.length === 0
      ? { prompt: request.prompt }
      : {
          contents: [
            { role: 'user', parts: [...call.imageUrls.map((image) => ({ image })), { text: request.prompt }] },
          ],
        };
  return {
    method: 'POST',
    path: generationsPath,
    body: { model: model.id, ...input, ...placed, response_format: 'b64_json' },
  };
}
