import { ImageProviderError, type ImageProviderErrorCode } from '../core/image-provider-error.js';
import { describeWait } from '../core/jobs/quota.js';

export type ImageApiErrorCode = ImageProviderErrorCode;

export interface ImageApiErrorDetails {
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The gateway's request id (`X-Oneapi-Request-Id` or similar): operators quote it to their provider. */
  readonly requestId?: string;
  /** The upstream error code (`moderation_blocked`, `IMAGE_SAFETY`, …). */
  readonly upstreamCode?: string;
  /** The upstream message, for the operator log only. */
  readonly upstreamMessage?: string;
  readonly cause?: unknown;
}

/** From here on "in a moment" would mislead: the member is told how long instead. */
const longWaitMs = 30_000;

/**
 * A failed call to the image API, as data: the core's `ImageProviderError` (its `code` decides what the member is
 * told and whether to retry) with what the HTTP client learned: status, `Retry-After`, the upstream's own code.
 */
export class ImageApiError extends ImageProviderError {
  override readonly name = 'ImageApiError';
  constructor(
    code: ImageApiErrorCode,
    message: string,
    readonly details: ImageApiErrorDetails = {},
    /** A more specific member sentence than the default for the code. */
    memberSentence?: string,
  ) {
    super(code, message, { cause: details.cause, requestId: details.requestId, memberSentence });
  }

  /** A rate limit with a long `Retry-After` says when. */
  override get memberMessage(): string {
    const wait = this.details.retryAfterMs;
    if (this.memberSentence === undefined && this.code === 'rate_limited' && wait !== undefined && wait >= longWaitMs) {
      return `The image service is busy right now (rate limited) and asks us to wait; please try again ${describeWait(wait, { approximate: true })}.`;
    }
    return super.memberMessage;
  }

  /** The same failure with more details, e.g. the request id of the answer it was read from. */
  withDetails(details: Partial<ImageApiErrorDetails>): ImageApiError {
    return new ImageApiError(this.code, this.message, { ...this.details, ...details }, this.memberSentence);
  }

  /** Only what cannot have been billed may be retried: a rate limit, or a 503 that says when to come back. */
  get isRetryable(): boolean {
    return this.code === 'rate_limited' || (this.details.status === 503 && this.details.retryAfterMs !== undefined);
  }
}

export function isImageApiError(error: unknown): error is ImageApiError {
  return error instanceof ImageApiError;
}
