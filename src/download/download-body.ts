import type { Readable } from 'node:stream';

/** Thrown as soon as a body passes its cap; the stream is destroyed at that point, nothing more is read. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`body is larger than ${maxBytes} bytes`);
  }
}

/** Reads a whole body into one buffer, never holding more than `maxBytes` of it. */
export async function readCappedBody(body: Readable, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new BodyTooLargeError(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    body.destroy();
    throw error;
  }
  const bytes = Buffer.concat(chunks, total);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Drops a body that will not be read (a redirect, an error page, an oversized answer) and its connection. */
export function discardBody(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}
