import { type UserFacingCode, UserFacingError } from '../../core/user-facing-error.js';
import { discordCode } from './discord-rest-messages.js';

const startNew = 'start a new one with /imagine.';

/**
 * Why the bot cannot post in a conversation's thread any more, by Discord's error code. Retrying never helps: a
 * moderator locked it (50083: archived and locked; 160005: locked), deleted it (10003), or took the bot's access
 * away (50001). Each has its own sentence; none is an error for the operator to chase.
 */
const sentences: Readonly<Record<number, readonly [code: UserFacingCode, sentence: string]>> = {
  50083: ['thread_locked', `This thread is locked, so I can't post in it any more: ${startNew}`],
  160005: ['thread_locked', `This thread is locked, so I can't post in it any more: ${startNew}`],
  10003: ['thread_deleted', `This conversation's thread was deleted, so I can't post in it: ${startNew}`],
  50001: [
    'thread_unreachable',
    `I can't reach this thread any more (it is private, or my access was removed): ${startNew}`,
  ],
};

/** A member-facing refusal that keeps the Discord code it came from, for the operator's line. */
export class ThreadUnavailableError extends UserFacingError {
  override readonly name = 'ThreadUnavailableError';
  constructor(
    readonly discordCode: number,
    code: UserFacingCode,
    sentence: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, sentence, options);
  }
}

/** The refusal for a failed post in a thread, or undefined when the failure is something else. */
export function threadUnavailable(error: unknown): ThreadUnavailableError | undefined {
  const code = discordCode(error);
  const known = code === undefined ? undefined : sentences[code];
  return known && code !== undefined ? new ThreadUnavailableError(code, ...known, { cause: error }) : undefined;
}
