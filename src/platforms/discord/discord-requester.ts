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

export function interactionRequester(interaction: Interaction, purpose: 'quota' | 'moderate'): Requester {
  const permissions = interaction.memberPermissions;
  return requesterOf(interaction.guildId ?? '', interaction.user.id, permissions, purpose);
}

export function messageRequester(message: Message<true>): Requester {
  return requesterOf(message.guildId, message.author.id, message.member?.permissions, 'quota');
}
