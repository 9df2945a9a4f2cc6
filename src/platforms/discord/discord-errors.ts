import { DiscordAPIError, HTTPError } from 'discord.js';
import type { EngineLogger } from '../../core/engine/engine-types.js';
import { isUserFacingError, type UserFacingCode, UserFacingError } from '../../core/user-facing-error.js';
import { newReferenceId } from '../../logging/logger.js';

/** Discord error codes the platform reacts to. */
export const discordCodes = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownWebhook: 10015,
  unknownInteraction: 10062,
  invalidWebhookToken: 50027,
  missingAccess: 50001,
  missingPermissions: 50013,
  threadArchivedAndLocked: 50083,
  threadLocked: 160005,
} as const;

export function discordCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;
}

/** An interaction token in a REST URL (`/webhooks/{app}/{token}`, `/interactions/{id}/{token}`) is a credential. */
const tokenInUrl = /\/(webhooks|interactions)\/(\d+)\/[^/?]+/g;

/**
 * Makes a discord.js REST error fit for the operator log, in place (it stays the same error, with its code): the
 * interaction token in its URL is blanked, and the files of the failed request — whole images, which the log would
 * print byte by byte — are reduced to their names and sizes.
 */
export function redactDiscordError<T>(error: T): T {
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    error.url = error.url.replace(tokenInUrl, '/$1/$2/[token]');
    const files = error.requestBody.files?.map(({ data, ...file }) => ({
      ...file,
      data: `[${typeof data === 'string' ? data.length : (data as Uint8Array).byteLength} bytes]`,
    }));
    error.requestBody = { ...error.requestBody, files };
  }
  return error;
}

const startNew = 'start a new one with /imagine.';

/**
 * Why the bot cannot post in a conversation's thread any more, by Discord's error code. Retrying never helps: a
 * moderator locked it (archived and locked, or locked), deleted it, or took the bot's access away. Each has its own
 * sentence; none is an error for the operator to chase.
 */
const threadSentences: Readonly<Record<number, readonly [code: UserFacingCode, sentence: string]>> = {
  [discordCodes.threadArchivedAndLocked]: [
    'thread_locked',
    `This thread is locked, so I can't post in it any more: ${startNew}`,
  ],
  [discordCodes.threadLocked]: ['thread_locked', `This thread is locked, so I can't post in it any more: ${startNew}`],
  [discordCodes.unknownChannel]: [
    'thread_deleted',
    `This conversation's thread was deleted, so I can't post in it: ${startNew}`,
  ],
  [discordCodes.missingAccess]: [
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
  const known = code === undefined ? undefined : threadSentences[code];
  return known && code !== undefined ? new ThreadUnavailableError(code, ...known, { cause: error }) : undefined;
}

/**
 * The one error sink of the Discord platform: a member reads a short sentence (a `UserFacingError`'s own), anything
 * else is logged once for the operator with a reference id, and the member gets an apology quoting it.
 */
export function sentenceFor(error: unknown, logger: EngineLogger, what: string, details: object): string {
  if (isUserFacingError(error)) return `⚠️ ${error.message}`;
  const reference = newReferenceId();
  logger.error({ err: error, reference, ...details }, `discord: ${what} failed`);
  return `⚠️ Something went wrong on our side, sorry. Please try again (ref ${reference}).`;
}
