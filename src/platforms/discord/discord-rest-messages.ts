import { DiscordAPIError, HTTPError, type RawFile, type REST, Routes } from 'discord.js';
import { type DiscordTarget, tokenUsable } from './discord-target.js';

export interface MessageBody {
  readonly content?: string;
  readonly components?: readonly unknown[];
  readonly attachments?: readonly { id: string }[];
  readonly allowed_mentions?: unknown;
}

/** Discord error codes the adapter reacts to. */
export const discordCodes = {
  unknownMessage: 10008,
  unknownWebhook: 10015,
  unknownInteraction: 10062,
  invalidWebhookToken: 50027,
  missingAccess: 50001,
  missingPermissions: 50013,
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
 * channel with the bot token (the 15-minute token life is the normal case for a deep queue or a restart).
 */
export async function editTargetMessage(
  rests: DiscordRests,
  target: DiscordTarget,
  body: MessageBody,
  files: RawFile[] | undefined,
  now: number,
): Promise<{ id: string; channel_id: string }> {
  if (target.kind === 'interaction' && tokenUsable(target, now)) {
    try {
      return (await rests.interaction.patch(
        Routes.webhookMessage(target.applicationId as string, target.interactionToken as string, '@original'),
        { body, ...(files ? { files } : {}), auth: false },
      )) as { id: string; channel_id: string };
    } catch (error) {
      const code = discordCode(error);
      if (code !== discordCodes.invalidWebhookToken && code !== discordCodes.unknownWebhook) throw error;
    }
  }
  if (!target.messageId) throw new MissingMessageError();
  return (await rests.bot.patch(Routes.channelMessage(target.channelId, target.messageId), {
    body,
    ...(files ? { files } : {}),
  })) as { id: string; channel_id: string };
}

/** A new channel message; `nonce` + `enforce_nonce` make a retried post land once. */
export async function postChannelMessage(
  rest: REST,
  channelId: string,
  body: MessageBody & { nonce?: string; message_reference?: unknown },
  files?: RawFile[],
): Promise<{ id: string; channel_id: string }> {
  const payload = body.nonce ? { ...body, enforce_nonce: true } : body;
  return (await rest.post(Routes.channelMessages(channelId), {
    body: payload,
    ...(files ? { files } : {}),
  })) as { id: string; channel_id: string };
}

export class MissingMessageError extends Error {
  override readonly name = 'MissingMessageError';
  constructor() {
    super('the status message is unknown');
  }
}

/** A Discord nonce is at most 25 characters: the job id, compacted. */
export function nonceOf(jobId: string): string {
  return jobId.replace(/-/g, '').slice(0, 25);
}
