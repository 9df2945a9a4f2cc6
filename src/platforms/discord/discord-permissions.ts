import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';
import type { EngineLogger } from '../../core/engine/engine-types.js';

/** What the bot needs where it answers, by the name a server admin sees in Discord's settings. */
export const requiredPermissions = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Attach Files', PermissionFlagsBits.AttachFiles],
  ['Read Message History', PermissionFlagsBits.ReadMessageHistory],
] as const;

export const threadPermissions = [
  ['Create Public Threads', PermissionFlagsBits.CreatePublicThreads],
  ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
] as const;

/** The permission integer for the invite URL: everything above plus Embed Links. */
export const invitePermissions = [...requiredPermissions, ...threadPermissions]
  .reduce((sum, [, bit]) => sum | bit, PermissionFlagsBits.EmbedLinks)
  .toString();

/** Inside a thread the bot posts with Send Messages in Threads; Send Messages is the channel's, not needed there. */
const inThreadPermissions = [
  ...requiredPermissions.filter(([name]) => name !== 'Send Messages'),
  ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
] as const;

/**
 * What the bot lacks where it is asked to answer: in a channel, what it posts with (and what starting the result's
 * thread takes, where it starts one); inside a thread, what posting in that thread takes.
 */
export function missingPermissions(
  granted: Readonly<PermissionsBitField>,
  where: { readonly inThread: boolean; readonly startsThread: boolean },
): string[] {
  const needed = where.inThread
    ? inThreadPermissions
    : where.startsThread
      ? [...requiredPermissions, ...threadPermissions]
      : requiredPermissions;
  return needed.filter(([, bit]) => !granted.has(bit)).map(([name]) => name);
}

export function missingPermissionsMessage(missing: readonly string[]): string {
  return `I can't work in this channel yet: a server admin needs to give me ${missing.map((name) => `**${name}**`).join(', ')} here (Server Settings → Roles, or the channel's permissions).`;
}

/** Tells the operator once per channel and set of permissions, not on every attempt. */
export interface PermissionNotices {
  report(guildId: string, channelId: string, missing: readonly string[]): void;
}

export function createPermissionNotices(logger: EngineLogger): PermissionNotices {
  const seen = new Set<string>();
  return {
    report(guildId, channelId, missing) {
      const key = `${guildId}:${channelId}:${missing.join(',')}`;
      if (seen.has(key)) return;
      seen.add(key);
      logger.warn({ guildId, channelId, missing }, 'discord: missing permissions in a channel');
    },
  };
}
