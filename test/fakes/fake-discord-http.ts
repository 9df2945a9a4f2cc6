import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeUploadedFile } from './fake-discord-records.js';

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export interface ParsedBody {
  readonly json?: unknown;
  readonly multipart?: { readonly payload: unknown; readonly files: readonly FakeUploadedFile[] };
  /** Why the body could not be read as Discord would (invalid JSON, a broken form). */
  readonly malformed?: string;
}

/** JSON, or multipart with `files[n]` parts and a `payload_json` part (parsed the WHATWG way, as undici does). */
export async function parseBody(contentType: string | undefined, bytes: Buffer): Promise<ParsedBody> {
  if (bytes.byteLength === 0) return {};
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'multipart/form-data') return parseMultipart(contentType ?? '', bytes);
  if (type !== 'application/json') return { malformed: `unsupported content type ${contentType ?? '(none)'}` };
  try {
    return { json: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { malformed: 'The request body contains invalid JSON.' };
  }
}

async function parseMultipart(contentType: string, bytes: Buffer): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    return { malformed: `unreadable multipart body: ${String(error)}` };
  }
  const files: FakeUploadedFile[] = [];
  let payload: unknown;
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field !== 'payload_json') continue;
      try {
        payload = JSON.parse(value);
      } catch {
        return { malformed: 'payload_json is not valid JSON' };
      }
      continue;
    }
    const data = new Uint8Array(await value.arrayBuffer());
    files.push({ field, filename: value.name, contentType: value.type, bytes: data });
  }
  return { multipart: { payload, files } };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (status === 204 || body === undefined) {
    response.writeHead(status === 200 ? 204 : status, headers);
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
