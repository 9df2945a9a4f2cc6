import type { GenerationRequest } from '../core/imagine-request.js';
import { splitDataUrl, toDataUrl } from './data-url.js';
import { continuationOf } from './gemini-native-state.js';
import type { UpstreamCall, UpstreamRequest } from './upstream-request.js';

const inlineData = (url: string) => {
  const { mimeType, base64 } = splitDataUrl(url);
  return { inlineData: { mimeType, data: base64 } };
};

/**
 * Native Gemini through new-api's verbatim relay (`POST /v1beta/models/{model}:generateContent`): camelCase
 * `contents` with `inlineData` parts. An edit that continues a native turn sends that turn back as it was: the
 * instruction, then the model's parts with their thought signatures around the base image (the first input);
 * the new instruction and any other images follow as the user turn.
 */
export function buildGeminiNativeRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  const history = (request.history ?? []).map((turn) => ({
    role: turn.role,
    parts: [...(turn.text ? [{ text: turn.text }] : []), ...turn.images.map((image) => inlineData(toDataUrl(image)))],
  }));
  const continued = call.imageUrls.length > 0 ? continuationOf(request) : undefined;
  const [base, ...others] = call.imageUrls;
  const previous =
    continued && base
      ? [
          { role: 'user', parts: [{ text: continued.prompt }] },
          {
            role: 'model',
            // Only parts that carry data: new-api re-serialises the request (`text` is omitempty), so an empty text
            // part would reach Gemini as a bare `{thoughtSignature}`, which it rejects. Signatures stay on the rest.
            parts: continued.parts
              .filter((part) => part.image || part.text)
              .map((part) => ({
                ...(part.image ? inlineData(base) : { text: part.text }),
                ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {}),
              })),
          },
        ]
      : [];
  const userImages = previous.length > 0 ? others : call.imageUrls;
  return {
    method: 'POST',
    path: `/v1beta/models/${encodeURIComponent(request.model.id)}:generateContent`,
    route: 'gemini-native',
    body: {
      contents: [
        ...history,
        ...previous,
        { role: 'user', parts: [{ text: request.prompt }, ...userImages.map(inlineData)] },
      ],
      generationConfig: {
        responseModalities: ['TEXT', 'IMAGE'],
        imageConfig: {
          aspectRatio: request.size ?? '1:1',
          ...(request.imageSize ? { imageSize: request.imageSize } : {}),
        },
      },
    },
  };
}
