import type { ServerResponse } from 'node:http';

/** One entry of `data[]`: an image as base64 (kept as ASCII bytes, never as a string) or a URL. */
export type ResultItem =
  | { readonly b64: Buffer }
  /** `b64_json: ""` beside the URL is how stock new-api's Qwen answers. */
  | { readonly url: string; readonly size?: string; readonly b64_json?: '' };

const base64Cache = new WeakMap<Uint8Array, Buffer>();

/** The base64 of an image as ASCII bytes, built once per buffer: a 20 MB image must not cost 27 MB per answer. */
export function base64Of(bytes: Uint8Array): Buffer {
  let cached = base64Cache.get(bytes);
  if (!cached) {
    cached = Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), 'latin1');
    base64Cache.set(bytes, cached);
  }
  return cached;
}

export function errorBody(message: string, type: string, code: string): unknown {
  return { error: { message, type, code } };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const contentType = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/**
 * Streams `{"created":…,"data":[…]}` (or the `{code,msg,data}` envelope) with a Content-Length, writing each
 * cached base64 buffer as is and waiting for the socket to drain between pieces.
 */
export async function sendResult(
  response: ServerResponse,
  items: readonly ResultItem[],
  envelope: boolean,
): Promise<void> {
  const created = Math.floor(Date.now() / 1000);
  const pieces: Buffer[] = [
    Buffer.from(envelope ? '{"code":200,"msg":"success","data":{"data":[' : `{"created":${created},"data":[`),
  ];
  items.forEach((item, index) => {
    const separator = index === 0 ? '' : ',';
    if ('b64' in item) pieces.push(Buffer.from(`${separator}{"b64_json":"`), item.b64, Buffer.from('"}'));
    else pieces.push(Buffer.from(separator + JSON.stringify(item)));
  });
  pieces.push(Buffer.from(envelope ? `],"created":${created}}}` : ']}'));
  return sendPieces(response, 200, pieces);
}

/** Streams a JSON body made of pieces (cached base64 buffers among them) with its Content-Length. */
export async function sendPieces(response: ServerResponse, status: number, pieces: readonly Buffer[]): Promise<void> {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': pieces.reduce((total, piece) => total + piece.byteLength, 0),
  });
  for (const piece of pieces) {
    if (!(await write(response, piece))) return;
  }
  response.end();
}

/** A valid JSON body of more than `bytes` bytes, made of one reused 64 KiB chunk: never allocated whole. */
export async function sendOversized(response: ServerResponse, bytes: number, announceLength: boolean): Promise<void> {
  const head = Buffer.from('{"created":0,"data":[{"b64_json":"');
  const tail = Buffer.from('"}]}');
  const chunk = Buffer.alloc(64 * 1024, 'A');
  const fillerBytes = Math.ceil((bytes + 1) / 4) * 4;
  const headers = announceLength ? { 'content-length': head.byteLength + fillerBytes + tail.byteLength } : {};
  response.writeHead(200, { 'content-type': 'application/json', ...headers });
  if (!(await write(response, head))) return;
  for (let left = fillerBytes; left > 0; left -= chunk.byteLength) {
    if (!(await write(response, left >= chunk.byteLength ? chunk : chunk.subarray(0, left)))) return;
  }
  if (await write(response, tail)) response.end();
}

/** Writes one piece; false when the client went away (nothing more should be written). */
function write(response: ServerResponse, piece: Buffer): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (response.write(piece)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/**
 * `{"created":0,"data":[{"b64_json":"<PNG signature, then zeros>"}]}` with `bytes` of zeros after the signature:
 * junk that sniffs as a PNG, streamed from one reused chunk with its Content-Length, never allocated whole.
 */
export async function sendJunkImage(response: ServerResponse, bytes: number): Promise<void> {
  // The 8 signature bytes and one zero make 12 base64 characters; every further 3 zero bytes are "AAAA".
  const head = Buffer.from('{"created":0,"data":[{"b64_json":"iVBORw0KGgoA');
  const tail = Buffer.from('"}]}');
  const chunk = Buffer.alloc(64 * 1024, 'A');
  const fillerBytes = Math.ceil(bytes / 3) * 4;
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': head.byteLength + fillerBytes + tail.byteLength,
  });
  if (!(await write(response, head))) return;
  for (let left = fillerBytes; left > 0; left -= chunk.byteLength) {
    if (!(await write(response, left >= chunk.byteLength ? chunk : chunk.subarray(0, left)))) return;
  }
  if (await write(response, tail)) response.end();
}
