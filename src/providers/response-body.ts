import type { Readable } from 'node:stream';
import { B64JsonExtractor } from './b64-json-extractor.js';
import { DecodedTooLargeError } from './base64-value.js';
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

/** The caps of one success body. */
export interface BodyLimits {
  /** Encoded bytes of the whole body. */
  readonly maxBytes: number;
  /** `Content-Length`, when announced. */
  readonly announcedBytes?: number;
  /** Decoded bytes of any one image in it (the model's `maxOutputBytes`). */
  readonly maxImageBytes?: number;
}

/** What the streaming readers share: bytes in, then the small skeleton parsed and the images decoded. */
interface ImageExtractor {
  write(chunk: Buffer): void;
  finish(): { json: unknown; images: Buffer[]; invalidBase64: boolean };
}

/**
 * Streams a success body through the base64 extractor (values of `b64_json`, or of `keys`), failing as soon as it
 * passes `maxBytes` (at once when the announced length already does) or one image decodes past `maxImageBytes`.
 * An announced length lets the extractor decode each image in place.
 */
export function readJsonWithImages(
  body: Readable,
  limits: BodyLimits,
  requestId: string | undefined,
  keys?: readonly string[],
) {
  const extractor = new B64JsonExtractor({
    ...(limits.announcedBytes === undefined ? {} : { bodyBytes: limits.announcedBytes }),
    ...(limits.maxImageBytes === undefined ? {} : { maxImageBytes: limits.maxImageBytes }),
    ...(keys ? { keys } : {}),
  });
  return readThrough(extractor, body, limits, requestId);
}

/** Streams a chat completion, decoding the base64 data URLs in its text while they arrive (same caps). */
export function readChatWithImages(body: Readable, limits: BodyLimits, requestId: string | undefined) {
  return readThrough(new DataUrlExtractor(limits.maxImageBytes), body, limits, requestId);
}

async function readThrough(
  extractor: ImageExtractor,
  body: Readable,
  limits: BodyLimits,
  requestId: string | undefined,
) {
  const { maxBytes, announcedBytes } = limits;
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
    try {
      extractor.write(chunk);
    } catch (error) {
      body.destroy();
      if (!(error instanceof DecodedTooLargeError)) throw error;
      const message = `image API answered an image past the model's cap of ${error.maxBytes} decoded bytes`;
      throw new ImageApiError('invalid_response', message, { requestId });
    }
  }
  try {
    return extractor.finish();
  } catch (error) {
    throw new ImageApiError('invalid_response', 'image API answered malformed JSON', { requestId, cause: error });
  }
}
