import { DiscordAPIError, type RawFile, type REST, Routes } from 'discord.js';
import { type DiscordTarget, tokenUsable } from './discord-target.js';

export interface MessageBody {
  readonly content?: string;
  readonly components?: readonly unknown[];
  readonly attachments?: readonly { id: number }[];
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

/**
 * Edits the message a target points at: through the interaction webhook while its token lives, else through the
 * channel with the bot token (the 15-minute token life is the normal case for a deep queue or a restart).
 */
export async function editTargetMessage(
  rest: REST,
  target: DiscordTarget,
  body: MessageBody,
  files: RawFile[] | undefined,
  now: number,
): Promise<{ id: string; channel_id: string }> {
  if (target.kind === 'interaction' && tokenUsable(target, now)) {
    try {
      return (await rest.patch(
        Routes.webhookMessage(target.applicationId as string, target.interactionToken as string, '@original'),
        { body, ...(files ? { files } : {}), auth: false },
      )) as { id: string; channel_id: string };
    } catch (error) {
      const code = discordCode(error);
      if (code !== discordCodes.invalidWebhookToken && code !== discordCodes.unknownWebhook) throw error;
    }
  }
  if (!target.messageId) throw new MissingMessageError();
  return (await rest.patch(Routes.channelMessage(target.channelId, target.messageId), {
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
