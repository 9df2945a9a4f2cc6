import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/download/download-address.js';
import { DownloadError } from '../../src/download/download-error.js';
import type { LookupFunction } from '../../src/download/download-guard.js';
import { createImageDownloader, type ImageDownloader } from '../../src/download/image-downloader.js';
import { defaultFakePng } from '../fakes/fake-image-api-png.js';

interface Seen {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

const png = defaultFakePng();
const seen: Seen[] = [];
const hangs: { closed: Promise<unknown> }[] = [];
let server: Server;
let port: number;
let onRequest: ((path: string) => void) | undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://placeholder');
    seen.push({ path: url.pathname, headers: request.headers });
    onRequest?.(url.pathname);
    switch (url.pathname) {
      case '/image.png':
        response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(png);
        return;
      case '/page.html':
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>not an image</html>');
        return;
      case '/big-announced':
        response.writeHead(200, { 'content-type': 'image/png', 'content-length': '50000000' });
        response.write(png);
        hangs.push({ closed: once(response, 'close') });
        return;
      case '/big-stream':
        streamForever(response);
        hangs.push({ closed: once(response, 'close') });
        return;
      case '/redirect':
        response.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
        return;
      case '/hang':
        hangs.push({ closed: once(response, 'close') });
        return;
      default:
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const downloaders: ImageDownloader[] = [];
afterEach(async () => {
  onRequest = undefined;
  seen.length = 0;
  await Promise.all(downloaders.splice(0).map((downloader) => downloader.close()));
});

function downloader(options: Parameters<typeof createImageDownloader>[0] = {}): ImageDownloader {
  const created = createImageDownloader({ lookup: fakeDns, ...options });
  downloaders.push(created);
  return created;
}

/** Test names resolve to loopback addresses only: nothing here may ever reach a real network. */
const names: Record<string, string> = {
  'public.test': '127.0.0.1',
  'other.test': '127.0.0.1',
  'internal.test': '127.0.0.2',
};
const fakeDns: LookupFunction = (hostname, options, callback) => {
  process.nextTick(() => {
    const address = names[hostname];
    if (!address)
      return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    if (options.all) return callback(null, [{ address, family: 4 }]);
    callback(null, address, 4);
  });
};
/** `public.test` stands in for a public host: 127.0.0.1 counts as public, the rest of the usual rules apply. */
const loopbackIsPublic = (address: string) => address !== '127.0.0.1' && isPrivateAddress(address);

const local = (path: string) => `http://127.0.0.1:${port}${path}`;
const publicUrl = (path: string) => `http://public.test:${port}${path}`;

function streamForever(response: ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  response.writeHead(200, { 'content-type': 'image/png' });
  response.write(png);
  const pump = () => {
    while (!response.destroyed && response.write(chunk)) {}
  };
  response.on('drain', pump);
  pump();
}

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
}

describe('createImageDownloader', () => {
  it('returns the bytes with the type sniffed from them, not the Content-Type', async () => {
    const result = await downloader({ allowPrivate: true }).download(local('/image.png'));
    expect(result.mimeType).toBe('image/png');
    expect(Buffer.from(result.bytes).equals(Buffer.from(png))).toBe(true);
    expect(result.url).toBe(local('/image.png'));
  });

  it('fails with http_error and the status on a 404', async () => {
    const error = await failure(downloader({ allowPrivate: true }).download(local('/missing.png')));
    expect(error.failure).toBe('http_error');
    expect(error.details.status).toBe(404);
    expect(error.message).toContain('HTTP 404');
  });

  it('rejects a body that is not an image', async () => {
    const error = await failure(downloader({ allowPrivate: true }).download(local('/page.html')));
    expect(error.failure).toBe('not_an_image');
    expect(error.message).toMatch(/is not an image \(text\/html/);
  });

  it('rejects an announced Content-Length over the cap before reading the body', async () => {
    const error = await failure(downloader({ allowPrivate: true, maxBytes: 1000 }).download(local('/big-announced')));
    expect(error.failure).toBe('too_large');
    expect(error.message).toContain('larger than 1000 bytes (50000000 announced)');
    await hangs.at(-1)?.closed;
  });

  it('stops reading a chunked body as soon as it passes the cap, and drops the connection', async () => {
    const error = await failure(downloader({ allowPrivate: true, maxBytes: 200_000 }).download(local('/big-stream')));
    expect(error.failure).toBe('too_large');
    expect(error.message).toContain('larger than 200000 bytes');
    await hangs.at(-1)?.closed;
  });

  it('refuses loopback addresses by default, before connecting', async () => {
    const error = await failure(downloader().download(local('/image.png')));
    expect(error.failure).toBe('refused');
    expect(error.message).toContain('download refused: 127.0.0.1 is a private address');
    expect(error.message).toContain('ALLOW_PRIVATE_DOWNLOADS=true');
    expect(seen).toEqual([]);
  });

  it('refuses a name that resolves to loopback, at connect time', async () => {
    const error = await failure(downloader().download(publicUrl('/image.png')));
    expect(error.message).toContain('public.test resolves to 127.0.0.1, which is a private address');
    expect(seen).toEqual([]);
  });

  it('refuses IPv6 loopback and IPv4-mapped literals', async () => {
    for (const url of [`http://[::1]:${port}/image.png`, `http://[::ffff:127.0.0.1]:${port}/image.png`]) {
      const error = await failure(downloader().download(url));
      expect(error.message).toMatch(/is a private address/);
    }
  });

  it('follows a redirect and re-checks the literal address of every hop', async () => {
    const guarded = downloader({ isPrivateAddress: loopbackIsPublic });
    expect((await guarded.download(publicUrl(`/redirect?to=/image.png`))).url).toBe(publicUrl('/image.png'));

    const error = await failure(guarded.download(publicUrl(`/redirect?to=http://127.0.0.2:${port}/image.png`)));
    expect(error.message).toContain('127.0.0.2 is a private address');
  });

  it('re-checks the resolved address of a redirect target at connect time', async () => {
    const guarded = downloader({ isPrivateAddress: loopbackIsPublic });
    const error = await failure(guarded.download(publicUrl(`/redirect?to=http://internal.test:${port}/image.png`)));
    expect(error.failure).toBe('refused');
    expect(error.message).toContain('internal.test resolves to 127.0.0.2, which is a private address');
  });

  it('sends the caller headers to the original origin only, never after a redirect to another host', async () => {
    const guarded = downloader({ isPrivateAddress: loopbackIsPublic });
    const headers = { authorization: 'Bearer secret-token' };
    const target = encodeURIComponent(`http://other.test:${port}/redirect?to=http://public.test:${port}/image.png`);
    await guarded.download(publicUrl(`/redirect?to=${target}`), { headers });
    expect(seen.map((request) => [request.headers.host, request.headers.authorization])).toEqual([
      [`public.test:${port}`, 'Bearer secret-token'],
      [`other.test:${port}`, undefined],
      [`public.test:${port}`, undefined],
    ]);

    seen.length = 0;
    await guarded.download(publicUrl('/redirect?to=/image.png'), { headers });
    expect(seen.map((request) => request.headers.authorization)).toEqual([
      'Bearer secret-token',
      'Bearer secret-token',
    ]);
  });

  it('gives up after maxRedirects', async () => {
    const loop = encodeURIComponent('/redirect?to=/redirect');
    const error = await failure(
      downloader({ allowPrivate: true, maxRedirects: 1 }).download(local(`/redirect?to=${loop}`)),
    );
    expect(error.failure).toBe('bad_redirect');
    expect(error.message).toContain('more than 1 redirects');
  });

  it('only fetches allowed hosts when an allow-list is set', async () => {
    const limited = downloader({ allowPrivate: true, allowedHosts: ['*.discordapp.net', 'files.slack.com'] });
    const error = await failure(limited.download(local('/image.png')));
    expect(error.message).toContain('127.0.0.1 is not an allowed download host');
    expect(seen).toEqual([]);
  });

  it('refuses schemes other than http and https', async () => {
    const error = await failure(downloader({ allowPrivate: true }).download('file:///etc/passwd'));
    expect(error.message).toContain('only http and https');
  });

  it('fails with timeout when the whole download takes too long', async () => {
    const error = await failure(downloader({ allowPrivate: true, timeoutMs: 150 }).download(local('/hang')));
    expect(error.failure).toBe('timeout');
    expect(error.message).toContain('timed out after 150 ms');
  });

  it("stops when the caller's signal aborts, rethrowing its reason", async () => {
    const controller = new AbortController();
    const reason = new Error('member cancelled');
    onRequest = (path) => {
      if (path === '/hang') controller.abort(reason);
    };
    const download = downloader({ allowPrivate: true }).download(local('/hang'), { signal: controller.signal });
    await expect(download).rejects.toBe(reason);
    await hangs.at(-1)?.closed;
  });
});

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd12:3456::1',
    'fe80::1%eth0',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a9fe:a9fe',
    '2002:c0a8:0101::1',
    'not-an-address',
  ])('treats %s as private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2002:0808:0808::1',
  ])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});
