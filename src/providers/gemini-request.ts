import type { GenerationRequest } from '../core/imagine-request.js';
import { generationsPath, type UpstreamCall, type UpstreamRequest } from './upstream-request.js';

/**
 * Gemini (Nano Banana) on the documented gateway: `size` is the aspect ratio, `image_size` the tier (omitted for
 * 2.5 Flash, which is 1K only upstream); input images go in `contents` parts as plain `image` strings.
 */
export function buildGeminiRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  const common = {
    model: request.model.id,
    size: request.size ?? '1:1',
    ...(request.imageSize ? { image_size: request.imageSize } : {}),
  };
  const history = (request.history ?? []).map((turn) => ({
    role: turn.role,
    parts: [
      ...(turn.text ? [{ text: turn.text }] : []),
      ...turn.images.map((image) => ({
        image: `data:${image.mimeType};base64,${Buffer.from(image.bytes).toString('base64')}`,
      })),
    ],
  }));
  if (call.imageUrls.length === 0 && history.length === 0) {
    return {
      method: 'POST',
      path: generationsPath,
      body: { ...common, prompt: request.prompt, n: call.count, response_format: 'b64_json' },
    };
  }
  const parts = [{ text: request.prompt }, ...call.imageUrls.map((image) => ({ image }))];
  return {
    method: 'POST',
    path: generationsPath,
    body: { ...common, response_format: 'b64_json', contents: [...history, { role: 'user', parts }] },
  };
}
