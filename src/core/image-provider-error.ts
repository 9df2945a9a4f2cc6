/** What went wrong with a provider's call, in the terms the core decides by (billing, retry, the member's sentence). */
export type ImageProviderErrorCode =
  | 'auth'
  | 'bad_request'
  | 'content_rejected'
  | 'rate_limited'
  | 'out_of_credit'
  | 'timeout'
  | 'upstream'
  | 'invalid_response';

export const imageProviderErrorCodes: readonly ImageProviderErrorCode[] = [
  'auth',
  'bad_request',
  'content_rejected',
  'rate_limited',
  'out_of_credit',
  'timeout',
  'upstream',
  'invalid_response',
];

const providerMemberMessages: Record<ImageProviderErrorCode, string> = {
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

/** The mark the core recognises a provider's failure by; `Symbol.for`, so a second copy of this module agrees. */
const providerFailureMark: unique symbol = Symbol.for('threadpaint.image-provider-error') as never;

/**
 * A failure of an `ImageProvider` call. Providers throw it (or a subclass: the HTTP client's `ImageApiError`); the
 * core recognises it by its mark, never by the fields it happens to have, and reads `code` to settle the usage
 * ledger, offer Retry and tell the member.
 */
export class ImageProviderError extends Error {
  override readonly name: string = 'ImageProviderError';
  readonly [providerFailureMark] = true;
  constructor(
    readonly code: ImageProviderErrorCode,
    message: string,
    options: {
      /** The gateway's request id: operators quote it to their provider, members see it as the reference. */
      readonly requestId?: string | undefined;
      readonly cause?: unknown;
      /** A more specific member sentence than the default for the code. */
      readonly memberSentence?: string | undefined;
    } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.requestId = options.requestId;
    this.memberSentence = options.memberSentence;
  }

  readonly requestId: string | undefined;
  protected readonly memberSentence: string | undefined;

  /** The sentence a member sees: specific, no internals. */
  get memberMessage(): string {
    return this.memberSentence ?? providerMemberMessages[this.code];
  }
}

export function isImageProviderError(error: unknown): error is ImageProviderError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [providerFailureMark]?: unknown })[providerFailureMark] === true
  );
}
