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

/**
 * Streams a success body through the base64 extractor, failing as soon as it passes `maxBytes` (at once when the
 * announced length already does). An announced length lets the extractor decode each image in place.
 */
export async function readJsonWithImages(
  body: Readable,
  maxBytes: number,
  requestId: string | undefined,
  announcedBytes?: number,
) {
  const tooLarge = (detail: string) =>
    new ImageApiError('invalid_response', `image API response passed the ${maxBytes}-byte cap${detail}`, { requestId });
  if (announcedBytes !== undefined && announcedBytes > maxBytes) {
    body.destroy();
    throw tooLarge(` (${announcedBytes} bytes announced)`);
  }
  const extractor = new B64JsonExtractor(announcedBytes === undefined ? {} : { bodyBytes: announcedBytes });
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw tooLarge('');
    }
    extractor.write(chunk);
  }
  try {
    return extractor.finish();
  } catch (error) {
    throw new ImageApiError('invalid_response', 'image API answered malformed JSON', { requestId, cause: error });
  }
}
