/**
 * An error whose message is written for the member who caused it: short, specific, safe to show.
 * Platforms show `message` as is; anything that is not a UserFacingError is logged and replaced by a
 * generic apology with a reference id.
 */
export class UserFacingError extends Error {
  override readonly name: string = 'UserFacingError';
  constructor(
    /** Stable identifier for logs, tests and metrics (`unknown_flag`, `bad_size`, …). */
    readonly code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export function isUserFacingError(error: unknown): error is UserFacingError {
  return error instanceof UserFacingError;
}
