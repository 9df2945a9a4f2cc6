import type { Readable } from 'node:stream';
import { B64JsonExtractor } from './b64-json-extractor.js';
import { ImageApiError } from './image-api-error.js';

/** Reads an error body, keeping at most `limit` bytes (the rest is drained, not stored). */
export async function readSmallBody(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size < limit) chunks.push(chunk.subarray(0, limit - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Streams a success body through the base64 extractor, failing as soon as it passes `maxBytes`. */
export async function readJsonWithImages(body: Readable, maxBytes: number, requestId: string | undefined) {
  const extractor = new B64JsonExtractor();
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new ImageApiError('invalid_response', `image API response passed the ${maxBytes}-byte cap`, { requestId });
    }
    extractor.write(chunk);
  }
  try {
    return extractor.finish();
  } catch (error) {
    throw new ImageApiError('invalid_response', 'image API answered malformed JSON', { requestId, cause: error });
  }
}
