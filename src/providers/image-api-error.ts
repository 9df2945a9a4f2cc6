import { describeWait } from '../core/jobs/quota.js';

export type ImageApiErrorCode =
  | 'auth'
  | 'bad_request'
  | 'content_rejected'
  | 'rate_limited'
  | 'out_of_credit'
  | 'timeout'
  | 'upstream'
  | 'invalid_response';

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

const memberMessages: Record<ImageApiErrorCode, string> = {
  auth: 'The image service rejected our API key. An operator needs to check IMAGE_API_KEY; nothing was generated.',
  bad_request: 'The image service could not accept this request.',
  content_rejected:
    "The model's safety system blocked this prompt, so no image was made. Try rewording it; this refusal is not retried.",
  rate_limited: 'The image service is busy right now (rate limited). Please try again in a moment.',
  out_of_credit:
    'The image service account is out of credit, so nothing was generated or billed. An operator needs to top it up; press Retry after that.',
  timeout: 'The image service took too long to answer, so the request was stopped. Please try again.',
  upstream: 'The image service is having trouble right now. Please try again in a few minutes.',
  invalid_response: 'The image service sent back something that is not a usable image. Please try again.',
};

/** From here on "in a moment" would mislead: the member is told how long instead. */
const longWaitMs = 30_000;

/** A failed call to the image API, as data: `code` decides what the member is told and whether to retry. */
export class ImageApiError extends Error {
  override readonly name = 'ImageApiError';
  constructor(
    readonly code: ImageApiErrorCode,
    message: string,
    readonly details: ImageApiErrorDetails = {},
    /** A more specific member sentence than the default for the code. */
    private readonly memberSentence?: string,
  ) {
    super(message, { cause: details.cause });
  }

  /** The sentence a member sees: specific, no internals. A rate limit with a long `Retry-After` says when. */
  get memberMessage(): string {
    if (this.memberSentence !== undefined) return this.memberSentence;
    const wait = this.details.retryAfterMs;
    if (this.code === 'rate_limited' && wait !== undefined && wait >= longWaitMs) {
      return `The image service is busy right now (rate limited) and asks us to wait; please try again ${describeWait(wait, { approximate: true })}.`;
    }
    return memberMessages[this.code];
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
