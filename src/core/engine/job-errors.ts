import { type ImageProviderErrorCode, isImageProviderError } from '../image-provider-error.js';
import type { JobError, UsageOutcome } from '../records.js';
import { isUserFacingError, UserFacingError } from '../user-facing-error.js';

/** A conversation (or the images it needs) is gone: retention deleted it, or someone deleted the turn. */
export function conversationExpired(cause?: unknown): UserFacingError {
  return new UserFacingError(
    'conversation_expired',
    'This conversation has expired: its images are gone. Start a new one with /imagine.',
    cause === undefined ? {} : { cause },
  );
}

/** Refused while the engine shuts down (SIGTERM): nothing is recorded, so sending again after the restart works. */
export function shuttingDown(): UserFacingError {
  return new UserFacingError('shutting_down', 'The bot is restarting; please send that again in a minute.');
}

/** Codes whose call may have been billed by the provider: they count against quotas. */
const billedCodes = new Set<ImageProviderErrorCode>(['content_rejected', 'timeout', 'upstream', 'invalid_response']);

/** Whether a job that failed with this code is charged its cost (the usage ledger settles it so). */
export function isBilledFailure(code: string): boolean {
  return (billedCodes as ReadonlySet<string>).has(code);
}

/**
 * Turns any failure into the member's sentence, whether it can be retried, and how the usage ledger settles it.
 * Unknown errors get a generic apology and a reference id (the operator log has the details).
 */
export function describeJobError(
  error: unknown,
  newReferenceId: () => string,
): JobError & { outcome: UsageOutcome; billed: boolean } {
  if (isUserFacingError(error)) {
    return { code: error.code, message: error.message, retryable: false, outcome: 'failed', billed: false };
  }
  if (isImageProviderError(error)) {
    const referenceId = error.requestId ?? newReferenceId();
    const refused = error.code === 'content_rejected';
    return {
      code: error.code,
      message: refused ? error.memberMessage : `${error.memberMessage} (ref ${referenceId})`,
      referenceId,
      retryable: !refused && error.code !== 'auth' && error.code !== 'bad_request',
      outcome: refused ? 'refused' : error.code === 'timeout' ? 'timeout' : 'failed',
      billed: isBilledFailure(error.code),
    };
  }
  const referenceId = newReferenceId();
  return {
    code: 'internal',
    message: `Something went wrong on our side, sorry. Please try again (ref ${referenceId}).`,
    referenceId,
    retryable: true,
    outcome: 'failed',
    billed: false,
  };
}
