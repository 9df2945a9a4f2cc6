import type { FakeChannel, FakeUser } from './fake-discord-records.js';

/** Discord's timestamp format. */
export const isoTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

export function userObject(id: string, username: string, bot = false): FakeUser {
  return { id, username, discriminator: '0', global_name: bot ? null : username, avatar: null, ...(bot && { bot }) };
}

export function memberObject(user: FakeUser, roles: readonly string[], joinedAt: string): Record<string, unknown> {
  return {
    user,
    roles: [...roles],
    joined_at: joinedAt,
    nick: null,
    avatar: null,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function roleObject(input: {
  id: string;
  name: string;
  permissions: string;
  position: number;
  botId?: string;
}): Record<string, unknown> {
  return {
    id: input.id,
    name: input.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: input.position,
    permissions: input.permissions,
    managed: input.botId !== undefined,
    mentionable: false,
    flags: 0,
    ...(input.botId !== undefined && { tags: { bot_id: input.botId } }),
  };
}

export function channelObject(input: {
  id: string;
  type: number;
  name: string;
  guildId: string;
  parentId: string | null;
  position: number;
}): FakeChannel {
  const channel: FakeChannel = {
    id: input.id,
    type: input.type,
    guild_id: input.guildId,
    name: input.name,
    parent_id: input.parentId,
    position: input.position,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    default_auto_archive_duration: 4320,
  };
  if (input.type === 15 || input.type === 16) {
    Object.assign(channel, {
      available_tags: [],
      default_reaction_emoji: null,
      default_sort_order: null,
      default_forum_layout: 0,
      default_thread_rate_limit_per_user: 0,
    });
  }
  return channel;
}

export function threadObject(input: {
  id: string;
  type: number;
  name: string;
  guildId: string;
  parentId: string;
  ownerId: string;
  autoArchiveDuration: number;
  archived: boolean;
  locked: boolean;
  createdAt: string;
}): FakeChannel {
  return {
    id: input.id,
    type: input.type,
    guild_id: input.guildId,
    name: input.name,
    parent_id: input.parentId,
    owner_id: input.ownerId,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    thread_metadata: {
      archived: input.archived,
      auto_archive_duration: input.autoArchiveDuration,
      archive_timestamp: input.createdAt,
      locked: input.locked,
      create_timestamp: input.createdAt,
      ...(input.type === 12 && { invitable: true }),
    },
  };
}

export const isThread = (channel: { type: number }): boolean => [10, 11, 12].includes(channel.type);
