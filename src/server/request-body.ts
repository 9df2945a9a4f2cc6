import type { IncomingMessage } from 'node:http';

/** A request the server refuses for its body: too large (413) or not a JSON object (400). */
export class RequestBodyError extends Error {
  override readonly name = 'RequestBodyError';
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON object body of at most `maxBytes`. A `Content-Length` over the cap is refused before a byte is read;
 * a body that grows past it (chunked) is refused as soon as it does. With a `Content-Length` the bytes go straight
 * into one buffer of that size, so a large upload is held once, not twice.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const length = refuseDeclaredOversize(request, maxBytes);
  const text = length !== undefined ? await readExactly(request, length) : await readChunked(request, maxBytes);
  if (text === undefined) throw tooLarge(maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text || '{}');
  } catch {
    throw new RequestBodyError(400, 'The request body is not JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RequestBodyError(400, 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Refuses a body whose `Content-Length` is over `maxBytes` from its headers alone (before waiting for anything, an
 * upload slot included); resolves to the declared length, or undefined when there is none (chunked).
 */
export function refuseDeclaredOversize(request: IncomingMessage, maxBytes: number): number | undefined {
  const declared = request.headers['content-length'];
  const length = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
  if (length !== undefined && length > maxBytes) throw tooLarge(maxBytes);
  return length;
}

const tooLarge = (maxBytes: number) =>
  new RequestBodyError(413, `That request is over ${formatMegabytes(maxBytes)}, the most this server reads.`);

async function readExactly(request: IncomingMessage, length: number): Promise<string | undefined> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (filled + chunk.length > length) return undefined;
    chunk.copy(buffer, filled);
    filled += chunk.length;
  }
  return buffer.toString('utf8', 0, filled);
}

async function readChunked(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / 1_048_576)} MB`;
}
