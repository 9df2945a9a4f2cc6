import type { FakeUser } from './fake-discord-records.js';
import { channelObject, isoTime, roleObject, threadObject } from './fake-discord-shapes.js';
import { defaultAttachmentSizeLimit, type FakeState, type GuildRecord } from './fake-discord-state.js';
import type { FakeGuildSeed } from './fake-discord-types.js';

export const defaultGuildSeed: FakeGuildSeed = {
  name: 'threadpaint test',
  channels: [
    { name: 'general', type: 0 },
    { name: 'announcements', type: 5 },
    { name: 'gallery', type: 15 },
  ],
};

/**
 * Puts a seeded guild in the state: @everyone, the seed's roles and the bot's managed role; channels (parents by
 * name or id); threads (archived ones stay out of GUILD_CREATE, as Discord syncs only active threads).
 */
export function seedGuild(
  state: FakeState,
  seed: FakeGuildSeed,
  context: {
    readonly now: () => number;
    readonly snowflake: () => string;
    readonly botUser: FakeUser;
    readonly botPermissions: string;
    readonly everyonePermissions: string;
  },
): GuildRecord {
  const id = seed.id ?? context.snowflake();
  const botRoleId = context.snowflake();
  const everyone = seed.everyonePermissions ?? context.everyonePermissions;
  const roles = [
    roleObject({ id, name: '@everyone', permissions: String(everyone), position: 0 }),
    ...(seed.roles ?? []).map((role, index) =>
      roleObject({
        id: role.id ?? context.snowflake(),
        name: role.name,
        permissions: String(role.permissions),
        position: index + 1,
      }),
    ),
    roleObject({
      id: botRoleId,
      name: context.botUser.username,
      permissions: context.botPermissions,
      position: 99,
      botId: context.botUser.id,
    }),
  ];
  const guild: GuildRecord = {
    id,
    name: seed.name ?? 'threadpaint test',
    ownerId: seed.ownerId ?? context.snowflake(),
    joinedAt: isoTime(context.now()),
    roles,
    botRoleId,
    attachmentSizeLimit: seed.attachmentSizeLimit ?? defaultAttachmentSizeLimit,
  };
  state.guilds.set(id, guild);
  const byName = (ref: string | undefined) =>
    ref === undefined
      ? null
      : ([...state.channels.values()].find((c) => c.guild_id === id && c.name === ref)?.id ?? ref);
  for (const [position, channel] of (seed.channels ?? []).entries()) {
    const channelId = channel.id ?? context.snowflake();
    const parentId = byName(channel.parentId);
    const type = channel.type ?? 0;
    state.channels.set(channelId, channelObject({ ...channel, id: channelId, type, guildId: id, parentId, position }));
    state.messages.set(channelId, []);
  }
  for (const thread of seed.threads ?? []) {
    const parentId = byName(thread.parentId) ?? thread.parentId;
    const created = threadObject({
      id: thread.id ?? context.snowflake(),
      type: thread.type ?? 11,
      name: thread.name,
      guildId: id,
      parentId,
      ownerId: thread.ownerId ?? context.botUser.id,
      autoArchiveDuration: thread.autoArchiveDuration ?? 10080,
      archived: thread.archived ?? false,
      locked: thread.locked ?? false,
      createdAt: isoTime(context.now()),
    });
    state.addThread(created);
  }
  return guild;
}
