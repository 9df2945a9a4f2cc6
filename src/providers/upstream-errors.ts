import { errors } from 'undici';
import { ImageApiError } from './image-api-error.js';

export function rethrowAs(signal: AbortSignal) {
  return (error: unknown): never => {
    throw toImageApiError(error, signal);
  };
}

/** Normalizes anything a call can throw; a cancellation by the caller stays an AbortError. */
export function toImageApiError(error: unknown, signal: AbortSignal): ImageApiError {
  if (error instanceof ImageApiError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof DOMException && reason.name === 'TimeoutError') {
      return new ImageApiError('timeout', 'image API call exceeded its total timeout', { cause: error });
    }
    throw reason instanceof Error ? reason : error;
  }
  if (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  ) {
    return new ImageApiError('timeout', `image API call timed out (${(error as Error).name})`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ImageApiError('upstream', `image API unreachable: ${message}`, { cause: error });
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}
