import type { GenerationRequest } from '../core/imagine-request.js';
import { toDataUrl } from './data-url.js';
import { buildGeminiNativeRequest } from './gemini-native-request.js';
import { chatCompletionsPath, type UpstreamCall, type UpstreamRequest } from './upstream-request.js';

/**
 * Gemini on stock new-api, which refuses Gemini image models on `/v1/images/generations` (500
 * `convert_request_failed`): a chat completion whose user message holds the text and `image_url` parts (data URLs),
 * with the ratio and tier in `extra_body.google.image_config` (snake_case only). No `n`: one image per call.
 * With `wire.geminiNative` the call goes to native `generateContent` instead (true multi-turn).
 */
export function buildNewApiGeminiRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  if (request.model.wire.geminiNative) return buildGeminiNativeRequest(request, call);
  const history = (request.history ?? []).map((turn) => ({
    role: turn.role === 'model' ? 'assistant' : 'user',
    content: [
      ...(turn.text ? [{ type: 'text', text: turn.text }] : []),
      ...turn.images.map((image) => ({ type: 'image_url', image_url: { url: toDataUrl(image) } })),
    ],
  }));
  const content = [
    { type: 'text', text: request.prompt },
    ...call.imageUrls.map((url) => ({ type: 'image_url', image_url: { url } })),
  ];
  return {
    method: 'POST',
    path: chatCompletionsPath,
    route: 'chat',
    body: {
      model: request.model.id,
      messages: [...history, { role: 'user', content }],
      extra_body: {
        google: {
          image_config: {
            aspect_ratio: request.size ?? '1:1',
            ...(request.imageSize ? { image_size: request.imageSize } : {}),
          },
        },
      },
    },
  };
}
