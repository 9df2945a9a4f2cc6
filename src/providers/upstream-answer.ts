import type { Readable } from 'node:stream';
import { parseGeminiNativeResult } from './gemini-native-response.js';
import { ImageApiError } from './image-api-error.js';
import { parseImageResult, type ResultItem } from './image-api-response.js';
import { parseChatResult } from './new-api-chat-response.js';
import { type BodyLimits, readChatWithImages, readJsonWithImages } from './response-body.js';
import type { UpstreamRoute } from './upstream-request.js';

export type { BodyLimits as AnswerLimits } from './response-body.js';

/**
 * Reads a successful answer the way its route writes it: `data[]` of the images endpoints, the markdown data URLs
 * of a chat completion, or the `inlineData` parts of a native Gemini answer. Images are decoded while they stream,
 * each within the model's cap on decoded bytes.
 */
export async function readUpstreamAnswer(
  route: UpstreamRoute,
  body: Readable,
  limits: BodyLimits,
  requestId: string | undefined,
): Promise<ResultItem[]> {
  const read =
    route === 'chat'
      ? await readChatWithImages(body, limits, requestId)
      : await readJsonWithImages(body, limits, requestId, route === 'gemini-native' ? ['data'] : undefined);
  if (read.invalidBase64)
    throw new ImageApiError('invalid_response', 'image API answered malformed base64', { requestId });
  if (route === 'chat') return parseChatResult(read.json, read.images, requestId);
  if (route === 'gemini-native') return parseGeminiNativeResult(read.json, read.images, requestId);
  return parseImageResult(read.json, read.images, requestId);
}
