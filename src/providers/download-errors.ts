import { DownloadRefusedError } from './download-guard.js';
import { ImageApiError } from './image-api-error.js';

/**
 * Any failure of a download as an ImageApiError: refusals (private address, host not allowed) and unusable bodies
 * are `invalid_response`; network failures are `upstream`.
 */
export function asImageApiError(error: unknown, url: URL): ImageApiError {
  if (error instanceof ImageApiError) return error;
  const refused = findCause(error, DownloadRefusedError);
  if (refused) return new ImageApiError('invalid_response', refused.message, { cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  return new ImageApiError('upstream', `download failed: ${describeUrl(url)}: ${reason}`, { cause: error });
}

export function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof type) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

export const invalidDownload = (message: string, status?: number) =>
  new ImageApiError('invalid_response', message, status === undefined ? {} : { status });

export const downloadTooLarge = (where: string, maxBytes: number, announced?: number) =>
  invalidDownload(
    `download refused: ${where} is larger than ${maxBytes} bytes${announced ? ` (${announced} announced)` : ''}`,
  );

/** Origin and path only: result URLs often carry signed query strings that must not reach a log. */
export const describeUrl = (url: URL) => `${url.origin}${url.pathname}`;
