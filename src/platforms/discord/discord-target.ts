import { z } from 'zod';
import { withoutUndefined } from '../../core/defined.js';
import type { DeliveryTarget } from '../../core/records.js';

/**
 * Where a Discord job's status and result go, stored on the job: ids and tokens only, so delivery works after a
 * restart and from another process. `interaction`: the deferred reply of a slash command (editable through the
 * interaction token for 15 minutes, then through the channel with the bot token). `channel`: a status message the
 * bot posts (in a thread, for replies and buttons) when the job is queued; the interaction of a button or a modal,
 * when one asked, only carries what the member must be told privately.
 */
export const discordTargetSchema = z.object({
  kind: z.enum(['interaction', 'channel']),
  guildId: z.string(),
  channelId: z.string(),
  /** The deferred reply or the status message; the result replaces it. */
  messageId: z.string().nullish(),
  applicationId: z.string().nullish(),
  interactionToken: z.string().nullish(),
  tokenExpiresAt: z.number().nullish(),
  /** Start a thread on the result (slash commands in text and announcement channels). */
  startThread: z.boolean().nullish(),
  /** The member message the result replies to (thread edits). */
  replyTo: z.string().nullish(),
  /** The interaction's `attachment_size_limit`, else the last one seen for the guild. */
  sizeLimit: z.number().nullish(),
  /**
   * A user install where the bot is not in the channel (a DM, a group DM, a server without the bot): only the
   * interaction webhook reaches it, so the bot token is never tried, and an expired token means waiting for the
   * member's next press. `guildId` is then the member's own workspace (`user:{id}`).
   */
  webhookOnly: z.boolean().nullish(),
});

export type DiscordTarget = z.infer<typeof discordTargetSchema>;

export function readTarget(delivery: DeliveryTarget): DiscordTarget {
  return discordTargetSchema.parse(delivery);
}

export function toDelivery(target: DiscordTarget): DeliveryTarget {
  return withoutUndefined(target);
}

/** Interaction tokens live 15 minutes; stop using one a minute early. */
export const interactionTokenLifetimeMs = 15 * 60_000;
export const tokenSafetyMarginMs = 60_000;

export function tokenUsable(target: DiscordTarget, now: number): boolean {
  return Boolean(
    target.interactionToken &&
      target.applicationId &&
      target.tokenExpiresAt &&
      now < target.tokenExpiresAt - tokenSafetyMarginMs,
  );
}

/** What a webhook-only target's member reads once its token has expired: a fresh press brings a fresh token. */
export const pressAgainSentence =
  'Discord only lets me update this message for 15 minutes after you press something: press Show result to see it.';

/** Default upload cap when no interaction told us the guild's: 10 MiB. */
export const defaultSizeLimit = 10 * 1024 * 1024;

/** The target of a reply made through an interaction's webhook only (its `@original`). */
export function webhookTarget(
  workspaceId: string,
  channelId: string,
  interaction: { applicationId: string; token: string; attachmentSizeLimit?: number | null },
  tokenExpiresAt: number,
  messageId: string | null,
): DiscordTarget {
  return {
    kind: 'interaction',
    guildId: workspaceId,
    channelId,
    messageId,
    applicationId: interaction.applicationId,
    interactionToken: interaction.token,
    tokenExpiresAt,
    startThread: false,
    sizeLimit: interaction.attachmentSizeLimit ?? null,
    webhookOnly: true,
  };
}
