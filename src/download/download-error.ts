import { DownloadRefusedError } from './download-guard.js';

/**
 * Why a download failed, as data. Who asked decides what it means: a result URL of the image API that fails is the
 * image API's failure (providers turn it into an `ImageApiError`); a chat attachment that fails is the member's to
 * share again (platforms turn it into a sentence).
 */
export type DownloadFailure =
  /** The URL may not be fetched: a private address, a host not allowed, a scheme other than http(s), not a URL. */
  | 'refused'
  /** The server answered something other than 2xx (`status` says which). */
  | 'http_error'
  /** Redirects without a usable `Location`, or more of them than allowed. */
  | 'bad_redirect'
  /** Larger than the cap, announced or while streaming. */
  | 'too_large'
  /** The bytes are not an image of a known format. */
  | 'not_an_image'
  | 'timeout'
  /** The connection failed (DNS, reset, TLS). */
  | 'network';

/** A download that did not yield an image. The message names the URL by origin and path only (no query string). */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly failure: DownloadFailure,
    message: string,
    readonly details: { readonly status?: number; readonly cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? {} : { cause: details.cause });
  }
}

export function isDownloadError(error: unknown): error is DownloadError {
  return error instanceof DownloadError;
}

/** Any failure of a download as a DownloadError: refusals keep their reason, anything else is a network failure. */
export function asDownloadError(error: unknown, url: URL): DownloadError {
  if (error instanceof DownloadError) return error;
  const refused = findCause(error, DownloadRefusedError);
  if (refused) return new DownloadError('refused', refused.message, { cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  return new DownloadError('network', `download failed: ${describeUrl(url)}: ${reason}`, { cause: error });
}

export function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof type) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

export const downloadTooLarge = (where: string, maxBytes: number, announced?: number) =>
  new DownloadError(
    'too_large',
    `download refused: ${where} is larger than ${maxBytes} bytes${announced ? ` (${announced} announced)` : ''}`,
  );

/** Origin and path only: result URLs often carry signed query strings that must not reach a log. */
export const describeUrl = (url: URL) => `${url.origin}${url.pathname}`;
