import type { Readable } from 'node:stream';
import { B64JsonExtractor } from './b64-json-extractor.js';
import { DataUrlExtractor } from './data-url-extractor.js';
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

/** What the streaming readers share: bytes in, then the small skeleton parsed and the images decoded. */
interface ImageExtractor {
  write(chunk: Buffer): void;
  finish(): { json: unknown; images: Buffer[]; invalidBase64: boolean };
}

/**
 * Streams a success body through the base64 extractor (values of `b64_json`, or of `keys`), failing as soon as it
 * passes `maxBytes` (at once when the announced length already does). An announced length lets the extractor decode
 * each image in place.
 */
export function readJsonWithImages(
  body: Readable,
  maxBytes: number,
  requestId: string | undefined,
  announcedBytes?: number,
  keys?: readonly string[],
) {
  const extractor = new B64JsonExtractor({
    ...(announcedBytes === undefined ? {} : { bodyBytes: announcedBytes }),
    ...(keys ? { keys } : {}),
  });
  return readThrough(extractor, body, maxBytes, requestId, announcedBytes);
}

/** Streams a chat completion, decoding the base64 data URLs in its text while they arrive (same caps). */
export function readChatWithImages(
  body: Readable,
  maxBytes: number,
  requestId: string | undefined,
  announcedBytes?: number,
) {
  return readThrough(new DataUrlExtractor(), body, maxBytes, requestId, announcedBytes);
}

async function readThrough(
  extractor: ImageExtractor,
  body: Readable,
  maxBytes: number,
  requestId: string | undefined,
  announcedBytes: number | undefined,
) {
  const tooLarge = (detail: string) =>
    new ImageApiError('invalid_response', `image API response passed the ${maxBytes}-byte cap${detail}`, { requestId });
  if (announcedBytes !== undefined && announcedBytes > maxBytes) {
    body.destroy();
    throw tooLarge(` (${announcedBytes} bytes announced)`);
  }
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
