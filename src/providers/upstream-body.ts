import { randomBytes } from 'node:crypto';
import type { UpstreamRequest } from './upstream-request.js';

/** The bytes and content type of a call: JSON, or `multipart/form-data` when the request carries files. */
export function encodeUpstreamBody(upstream: UpstreamRequest): { body: string | Buffer; contentType: string } {
  if (!upstream.files) return { body: JSON.stringify(upstream.body), contentType: 'application/json' };
  const boundary = `----threadpaint${randomBytes(12).toString('hex')}`;
  const pieces: Buffer[] = [];
  for (const [name, value] of Object.entries(upstream.body)) {
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n`));
    pieces.push(Buffer.from(String(value)), Buffer.from('\r\n'));
  }
  for (const file of upstream.files) {
    pieces.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.filename)}"\r\n` +
          `Content-Type: ${file.mimeType}\r\n\r\n`,
      ),
      Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
      Buffer.from('\r\n'),
    );
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Field names and file names go in quoted strings: escape what would end them (RFC 7578 §2). */
function quoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
