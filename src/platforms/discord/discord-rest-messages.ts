import type { RawFile, REST } from 'discord.js';
import { Routes } from 'discord.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { discordCode, discordCodes } from './discord-errors.js';
import { type DiscordTarget, pressAgainSentence, tokenUsable } from './discord-target.js';

export interface MessageBody {
  readonly content?: string;
  readonly components?: readonly unknown[];
  readonly attachments?: readonly { id: string }[];
  readonly allowed_mentions?: unknown;
}

/**
 * The REST clients: `bot` for bot-token calls; `interaction` for interaction-token webhook calls, which Discord
 * exempts from its global limit of 50 requests a second (discord.js would count them against it).
 */
export interface DiscordRests {
  readonly bot: REST;
  readonly interaction: REST;
}

/**
 * Edits the message a target points at: through the interaction webhook while its token lives, else through the
 * channel with the bot token (the 15-minute token life is the normal case for a deep queue or a restart). A
 * webhook-only target (a user install) never tries the bot token: once its token is gone, the member is asked to
 * press again ({@link InteractionExpiredError}).
 */
export async function editTargetMessage(
  rests: DiscordRests,
  target: DiscordTarget,
  body: MessageBody,
  files: RawFile[] | undefined,
  now: number,
): Promise<{ id: string; channel_id: string; attachments?: readonly { id: string }[] }> {
  if (target.kind === 'interaction' && tokenUsable(target, now)) {
    try {
      return (await rests.interaction.patch(
        Routes.webhookMessage(target.applicationId as string, target.interactionToken as string, '@original'),
        { body, ...(files ? { files } : {}), auth: false },
      )) as { id: string; channel_id: string };
    } catch (error) {
      const code = discordCode(error);
      if (code !== discordCodes.invalidWebhookToken && code !== discordCodes.unknownWebhook) throw error;
      if (target.webhookOnly) throw new InteractionExpiredError({ cause: error });
    }
  }
  if (target.webhookOnly) throw new InteractionExpiredError();
  if (!target.messageId) throw new MissingMessageError();
  return (await rests.bot.patch(Routes.channelMessage(target.channelId, target.messageId), {
    body,
    ...(files ? { files } : {}),
  })) as { id: string; channel_id: string };
}

/**
 * A new channel message with the bot token. Every one carries a nonce with `enforce_nonce`: a post the REST client
 * sends again (a timeout, a 5xx) lands once, and so does one a second process sends for the same purpose.
 */
export async function postChannelMessage(
  rest: REST,
  channelId: string,
  body: MessageBody & { message_reference?: unknown },
  nonce: string,
  files?: RawFile[],
): Promise<{ id: string; channel_id: string; attachments?: readonly { id: string }[] }> {
  return (await rest.post(Routes.channelMessages(channelId), {
    body: { ...body, nonce, enforce_nonce: true },
    ...(files ? { files } : {}),
  })) as { id: string; channel_id: string };
}

/** A webhook-only target whose interaction token is gone: the member's next press brings a fresh one. */
export class InteractionExpiredError extends UserFacingError {
  override readonly name = 'InteractionExpiredError';
  constructor(options: { cause?: unknown } = {}) {
    super('interaction_expired', pressAgainSentence, options);
  }
}

export class MissingMessageError extends Error {
  override readonly name = 'MissingMessageError';
  constructor() {
    super('the status message is unknown');
  }
}

/** What a post is for, one letter each, so two posts about one record never share a nonce. */
export type NonceKind = 'status' | 'result' | 'notice' | 'hint' | 'answer';
const nonceLetters: Record<NonceKind, string> = { status: 's', result: 'r', notice: 'n', hint: 'h', answer: 'a' };

/** A Discord nonce is at most 25 characters: the kind's letter and the record's id, compacted. */
export function nonceOf(kind: NonceKind, id: string): string {
  return `${nonceLetters[kind]}${id.replace(/-/g, '')}`.slice(0, 25);
}
