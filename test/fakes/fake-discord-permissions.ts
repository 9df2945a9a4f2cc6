/** Permission bits the fake and its tests talk about (Discord's values). */
export const fakePermissions = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseExternalEmojis: 1n << 18n,
  UseApplicationCommands: 1n << 31n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
} as const;

const p = fakePermissions;

/** What threadpaint needs in a channel: the default `app_permissions` and the bot role's permissions. */
export const fakeBotPermissions =
  p.ViewChannel |
  p.SendMessages |
  p.EmbedLinks |
  p.AttachFiles |
  p.ReadMessageHistory |
  p.CreatePublicThreads |
  p.SendMessagesInThreads;

/** An ordinary member (no Manage Server, no Manage Messages): the default `member.permissions` and @everyone. */
export const fakeMemberPermissions =
  p.ViewChannel |
  p.SendMessages |
  p.AddReactions |
  p.EmbedLinks |
  p.AttachFiles |
  p.ReadMessageHistory |
  p.UseExternalEmojis |
  p.UseApplicationCommands |
  p.CreatePublicThreads |
  p.SendMessagesInThreads;

/** The gateway intents the fake cares about. */
export const fakeIntents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessageReactions: 1 << 13,
  MessageContent: 1 << 15,
} as const;

export const privilegedIntents = fakeIntents.GuildMembers | fakeIntents.GuildPresences | fakeIntents.MessageContent;

export const permissionString = (value: string | bigint): string => (typeof value === 'bigint' ? String(value) : value);
