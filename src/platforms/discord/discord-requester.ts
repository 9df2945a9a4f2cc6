import { type Interaction, type Message, PermissionFlagsBits, type PermissionsBitField } from 'discord.js';
import type { Requester } from '../../core/engine/engine-types.js';

/** Who acts: quotas exempt Manage Server; Delete and Cancel of others' turns need Manage Messages. */
export function requesterOf(
  guildId: string,
  userId: string,
  permissions: Readonly<PermissionsBitField> | null | undefined,
  purpose: 'quota' | 'moderate',
): Requester {
  const flag = purpose === 'quota' ? PermissionFlagsBits.ManageGuild : PermissionFlagsBits.ManageMessages;
  return { platform: 'discord', workspaceId: guildId, memberId: userId, isAdmin: permissions?.has(flag) ?? false };
}

/**
 * The workspace of a member's own user install: their DMs, group DMs and servers without the bot are one space of
 * theirs (quotas, ownership, settings), never a server's. `user:` cannot collide with a guild's snowflake.
 */
export const userInstallWorkspace = (userId: string) => `user:${userId}`;

export const isUserInstallWorkspace = (workspaceId: string) => workspaceId.startsWith('user:');

/**
 * The interaction came through a member's user install only: the bot is not installed where it happened (a DM, a
 * group DM, a server without the bot), so it has no channel access there: the interaction webhook is the only way
 * to answer, and nothing may try the bot token.
 */
export function isUserInstallOnly(interaction: Interaction): boolean {
  return !interaction.guildId || !interaction.authorizingIntegrationOwners?.guildId;
}

export function interactionRequester(interaction: Interaction, purpose: 'quota' | 'moderate'): Requester {
  // In a member's own space nobody else moderates, and no server permission applies.
  if (isUserInstallOnly(interaction)) {
    const workspaceId = userInstallWorkspace(interaction.user.id);
    return { platform: 'discord', workspaceId, memberId: interaction.user.id, isAdmin: false };
  }
  const permissions = interaction.memberPermissions;
  return requesterOf(interaction.guildId ?? '', interaction.user.id, permissions, purpose);
}

export function messageRequester(message: Message<true>): Requester {
  return requesterOf(message.guildId, message.author.id, message.member?.permissions, 'quota');
}
