/** An answer Discord gives instead of a success: thrown by routes, turned into the HTTP response by the router. */
export class DiscordApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details: {
      readonly errors?: unknown;
      /** Set when the bot sent something Discord rejects: recorded in `violations`. */
      readonly violation?: 'spec' | 'limit';
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    const base = { message: this.message, code: this.code };
    return this.details.errors === undefined ? base : { ...base, errors: this.details.errors };
  }
}

/** For `value ?? throwing(unknownChannel())`. */
export function throwing(error: Error): never {
  throw error;
}

const failure = (status: number, code: number, message: string) => () => new DiscordApiFailure(status, code, message);

export const unknownChannel = failure(404, 10003, 'Unknown Channel');
export const unknownMessage = failure(404, 10008, 'Unknown Message');
export const unknownWebhook = failure(404, 10015, 'Unknown Webhook');
export const unknownInteraction = failure(404, 10062, 'Unknown interaction');
export const unknownGuild = failure(404, 10004, 'Unknown Guild');
export const unknownMember = failure(404, 10007, 'Unknown Member');
export const unknownUser = failure(404, 10013, 'Unknown User');
export const unknownCommand = failure(404, 10063, 'Unknown application command');
export const invalidWebhookToken = failure(401, 50027, 'Invalid Webhook Token');
export const alreadyAcknowledged = failure(400, 40060, 'Interaction has already been acknowledged.');
export const wrongChannelType = failure(400, 50024, 'Cannot execute action on this channel type');
export const cannotSendHere = failure(400, 50008, 'Cannot send messages in a non-text channel');
export const threadExists = failure(400, 160004, 'A thread has already been created for this message');
export const threadArchived = failure(400, 50083, 'Thread is archived');
export const threadLocked = failure(403, 160005, 'Thread is locked');
export const notAuthor = failure(403, 50005, 'Cannot edit a message authored by another user');
export const missingAccess = failure(403, 50001, 'Missing Access');
export const unauthorized = failure(401, 0, '401: Unauthorized');
export const notFound = failure(404, 0, '404: Not Found');

/** A reply to a message that is gone (a state error, not a malformed body: no violation is recorded). */
export const unknownReference = () =>
  new DiscordApiFailure(400, 50035, 'Invalid Form Body', {
    errors: {
      message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] },
    },
  });

export const tooManyAttachments = () =>
  new DiscordApiFailure(400, 30015, 'Maximum number of attachments in a message reached (10)', {
    violation: 'limit',
  });

export const entityTooLarge = () =>
  new DiscordApiFailure(413, 40005, 'Request entity too large', { violation: 'limit' });

/** Collects field errors into Discord's nested `errors` shape: `{ name: { _errors: [{ code, message }] } }`. */
export function createFormErrors() {
  const errors: Record<string, unknown> = {};
  let count = 0;
  return {
    add(path: readonly (string | number)[], code: string, message: string): void {
      let node = errors;
      for (const segment of path) {
        const key = String(segment);
        node[key] ??= {};
        node = node[key] as Record<string, unknown>;
      }
      node['_errors'] ??= [];
      (node['_errors'] as { code: string; message: string }[]).push({ code, message });
      count += 1;
    },
    get count() {
      return count;
    },
    /** Throws 400/50035 (recorded as a violation from `source`) if anything was added. */
    throwIfAny(source: 'spec' | 'limit' = 'limit'): void {
      if (count > 0) throw new DiscordApiFailure(400, 50035, 'Invalid Form Body', { errors, violation: source });
    },
  };
}

export type FormErrors = ReturnType<typeof createFormErrors>;
