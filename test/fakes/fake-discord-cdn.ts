import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sniffImageType } from '../../src/images/image-type.js';
import type { FakeFileInput } from './fake-discord-inputs.js';
import type { FakeAttachment } from './fake-discord-records.js';

interface CdnFile {
  readonly bytes: Uint8Array;
  readonly filename: string;
  readonly contentType: string;
}

/** The fake's cdn.discordapp.com: every attachment (members' and the bot's) is stored and served under `/cdn/`. */
export function createCdn(init: {
  readonly snowflake: () => string;
  readonly now: () => number;
  readonly baseUrl: () => string;
}) {
  const files = new Map<string, CdnFile>();

  function idOf(url: string): string | undefined {
    return /\/cdn\/attachments\/\d+\/(\d+)\//.exec(url)?.[1];
  }

  return {
    /** Stores the bytes and returns the attachment object Discord would show for them. */
    store(file: FakeFileInput, channelId = '0'): FakeAttachment {
      const id = init.snowflake();
      const contentType = file.contentType ?? sniffImageType(file.bytes)?.mimeType ?? 'application/octet-stream';
      files.set(id, { bytes: file.bytes, filename: file.filename, contentType });
      // Real CDN links are signed and expire (ex = expiry, is = issued, hm = signature): keep the query string.
      const issued = Math.floor(init.now() / 1000);
      const query = `ex=${(issued + 86_400).toString(16)}&is=${issued.toString(16)}&hm=${randomBytes(32).toString('hex')}`;
      const url = `${init.baseUrl()}/cdn/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}?${query}`;
      return {
        id,
        filename: file.filename,
        size: file.bytes.byteLength,
        url,
        proxy_url: url,
        content_type: contentType,
        ...imageSize(file.bytes),
      };
    },

    bytes(url: string): Uint8Array | undefined {
      const id = idOf(url);
      return id === undefined ? undefined : files.get(id)?.bytes;
    },

    serve(path: string, response: ServerResponse): number {
      const file = files.get(idOf(path) ?? '');
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('This content is no longer available.');
        return 404;
      }
      response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.byteLength });
      response.end(file.bytes);
      return 200;
    },
  };
}

export type FakeCdn = ReturnType<typeof createCdn>;

/** Width and height from a PNG's IHDR or a GIF's screen descriptor; nothing for other formats. */
function imageSize(bytes: Uint8Array): { width?: number; height?: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = sniffImageType(bytes)?.mimeType;
  if (type === 'image/png' && bytes.byteLength >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (type === 'image/gif' && bytes.byteLength >= 10) {
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  return {};
}
