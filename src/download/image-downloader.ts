import { lookup as dnsLookup } from 'node:dns';
import { Agent, request } from 'undici';
import { withoutUndefined } from '../core/defined.js';
import { sniffImageType } from '../images/image-type.js';
import { isPrivateAddress } from './download-address.js';
import { BodyTooLargeError, discardBody, readCappedBody } from './download-body.js';
import { asDownloadError, DownloadError, describeUrl, downloadTooLarge } from './download-error.js';
import { checkDestination, guardLookup, type LookupFunction } from './download-guard.js';

export interface ImageDownloaderOptions {
  /** Let downloads reach private, loopback and link-local addresses (`ALLOW_PRIVATE_DOWNLOADS`). */
  readonly allowPrivate?: boolean;
  /** Largest body accepted, in bytes; checked on `Content-Length` and again while streaming. */
  readonly maxBytes?: number;
  /** One download from the first request to the last byte, redirects included. */
  readonly timeoutMs?: number;
  readonly maxRedirects?: number;
  /** When set, only these hosts may be fetched: `cdn.example.com` exactly, or `*.example.com` for its subdomains. */
  readonly allowedHosts?: readonly string[];
  /** `dns.lookup`-compatible resolver (tests map names to loopback with it). */
  readonly lookup?: LookupFunction;
  /** Which addresses count as private; tests narrow it so a loopback server can stand in for a public host. */
  readonly isPrivateAddress?: (address: string) => boolean;
}

export const imageDownloaderDefaults = {
  allowPrivate: false,
  maxBytes: 30_000_000,
  timeoutMs: 60_000,
  maxRedirects: 5,
} as const satisfies Required<Pick<ImageDownloaderOptions, 'allowPrivate' | 'maxBytes' | 'timeoutMs' | 'maxRedirects'>>;

export interface DownloadInit {
  /** Sent to the original origin only; dropped for good once a redirect leaves it (a Bearer token must not leak). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Cancels the download; its reason is rethrown as is. */
  readonly signal?: AbortSignal;
  /** A lower cap than the downloader's for this one download (a model's `maxOutputBytes`). */
  readonly maxBytes?: number;
}

export interface DownloadedImage {
  readonly bytes: Uint8Array;
  /** Sniffed from the bytes, never taken from `Content-Type`. */
  readonly mimeType: string;
  /** The final URL, after redirects. */
  readonly url: string;
}

/**
 * Fetches images from URLs that came from outside (API results, chat attachments) without trusting them. Every
 * failure is a `DownloadError`, except a stop by the caller's signal, which rethrows the signal's reason.
 */
export interface ImageDownloader {
  download(url: string, init?: DownloadInit): Promise<DownloadedImage>;
  close(): Promise<void>;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

export function createImageDownloader(options: ImageDownloaderOptions = {}): ImageDownloader {
  const settings = { ...imageDownloaderDefaults, ...withoutUndefined(options) };
  const isPrivate = settings.allowPrivate ? undefined : (options.isPrivateAddress ?? isPrivateAddress);
  const lookup = options.lookup ?? (dnsLookup as unknown as LookupFunction);
  const agent = new Agent({ connect: { lookup: isPrivate ? guardLookup(lookup, isPrivate) : lookup } });
  const policy = { allowedHosts: options.allowedHosts, isPrivate };

  async function follow(start: URL, init: DownloadInit, signal: AbortSignal): Promise<DownloadedImage> {
    let url = start;
    let sendHeaders = true;
    const maxBytes = Math.min(settings.maxBytes, init.maxBytes ?? settings.maxBytes);
    for (let redirects = 0; ; redirects++) {
      checkDestination(url, policy);
      const headers = { accept: 'image/*', ...(sendHeaders ? init.headers : {}) };
      const response = await request(url, { method: 'GET', headers, signal, dispatcher: agent });
      const where = describeUrl(url);
      if (redirectStatuses.has(response.statusCode)) {
        discardBody(response.body);
        const location = response.headers.location;
        if (typeof location !== 'string' || !URL.canParse(location, url.href)) {
          throw new DownloadError('bad_redirect', `download failed: redirect without a valid Location from ${where}`);
        }
        if (redirects >= settings.maxRedirects) {
          const origin = describeUrl(start);
          const message = `download refused: more than ${settings.maxRedirects} redirects from ${origin}`;
          throw new DownloadError('bad_redirect', message);
        }
        const next = new URL(location, url);
        if (next.origin !== url.origin) sendHeaders = false;
        url = next;
        continue;
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        discardBody(response.body);
        const message = `download failed: HTTP ${response.statusCode} from ${where}`;
        throw new DownloadError('http_error', message, { status: response.statusCode });
      }
      const announced = Number(response.headers['content-length'] ?? Number.NaN);
      if (announced > maxBytes) {
        discardBody(response.body);
        throw downloadTooLarge(where, maxBytes, announced);
      }
      const bytes = await readCappedBody(response.body, maxBytes).catch((error: unknown) => {
        throw error instanceof BodyTooLargeError ? downloadTooLarge(where, maxBytes) : error;
      });
      const type = sniffImageType(bytes);
      if (!type) {
        const claimed = response.headers['content-type'] ?? 'no content-type';
        const message = `download failed: ${where} is not an image (${claimed}, ${bytes.byteLength} bytes)`;
        throw new DownloadError('not_an_image', message);
      }
      return { bytes, mimeType: type.mimeType, url: url.href };
    }
  }

  return {
    async download(url, init = {}) {
      init.signal?.throwIfAborted();
      const start = URL.canParse(url) ? new URL(url) : undefined;
      if (!start) throw new DownloadError('refused', 'download refused: not a valid URL');
      // One controller for both stops, instead of AbortSignal.any: a long-lived caller signal must not collect a
      // dependent signal per download.
      const stop = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        stop.abort();
      }, settings.timeoutMs);
      const onCallerAbort = () => stop.abort(init.signal?.reason);
      init.signal?.addEventListener('abort', onCallerAbort, { once: true });
      try {
        return await follow(start, init, stop.signal);
      } catch (error) {
        if (init.signal?.aborted) throw init.signal.reason;
        if (timedOut) {
          const message = `download timed out after ${settings.timeoutMs} ms: ${describeUrl(start)}`;
          throw new DownloadError('timeout', message, { cause: error });
        }
        throw asDownloadError(error, start);
      } finally {
        clearTimeout(timer);
        init.signal?.removeEventListener('abort', onCallerAbort);
      }
    },
    close: () => agent.close(),
  };
}
