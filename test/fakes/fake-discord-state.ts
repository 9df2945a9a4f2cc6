import { guildCreatePayload } from './fake-discord-guild-create.js';
import type { FakeChannel, FakeCommand, FakeInteractionRecord, FakeMessage, FakeUser } from './fake-discord-records.js';
import { isThread, memberObject } from './fake-discord-shapes.js';

export interface GuildRecord {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly joinedAt: string;
  readonly roles: Record<string, unknown>[];
  readonly botRoleId: string;
  readonly attachmentSizeLimit: number;
}

export const defaultAttachmentSizeLimit = 10 * 1024 * 1024;

/** Guilds, channels, threads, messages, users, commands and interactions, as Discord would hold them. */
export function createFakeState(init: {
  readonly now: () => number;
  readonly snowflake: () => string;
  readonly botUser: FakeUser;
}) {
  const guilds = new Map<string, GuildRecord>();
  const channels = new Map<string, FakeChannel>();
  const threads = new Map<string, FakeChannel>();
  const messages = new Map<string, FakeMessage[]>();
  const messageIndex = new Map<string, FakeMessage>();
  const users = new Map<string, FakeUser>([[init.botUser.id, init.botUser]]);
  const commands = { global: [] as FakeCommand[], guilds: new Map<string, FakeCommand[]>() };
  const interactions = new Map<string, FakeInteractionRecord>();
  const interactionsByToken = new Map<string, FakeInteractionRecord>();
  /** Role ids of members, by `guildId:userId` (none unless a test gave some). */
  const memberRoles = new Map<string, readonly string[]>();

  function addThread(thread: FakeChannel): void {
    threads.set(thread.id, thread);
    if (!messages.has(thread.id)) messages.set(thread.id, []);
  }

  function channel(id: string): FakeChannel | undefined {
    return channels.get(id) ?? threads.get(id);
  }

  function addMessage(message: FakeMessage): void {
    const list = messages.get(message.channel_id) ?? [];
    list.push(message);
    messages.set(message.channel_id, list);
    messageIndex.set(message.id, message);
    const target = channel(message.channel_id);
    if (target) target.last_message_id = message.id;
    if (target && isThread(target)) {
      target.message_count = (target.message_count ?? 0) + 1;
      target.total_message_sent = (target.total_message_sent ?? 0) + 1;
    }
  }

  function removeMessage(id: string): FakeMessage | undefined {
    const message = messageIndex.get(id);
    if (!message) return undefined;
    messageIndex.delete(id);
    const list = messages.get(message.channel_id) ?? [];
    list.splice(list.indexOf(message), 1);
    return message;
  }

  /** Remembers a dispatched interaction, by id and by token, so its callback and webhook calls are answered. */
  function registerInteraction(
    fields: Omit<FakeInteractionRecord, 'issuedAt' | 'messageIds' | 'expired'>,
  ): FakeInteractionRecord {
    const record: FakeInteractionRecord = {
      ...fields,
      issuedAt: init.now(),
      messageIds: new Set(),
      expired: false,
    };
    interactions.set(record.id, record);
    interactionsByToken.set(record.token, record);
    return record;
  }

  /** GUILD_CREATE as sent to a client identifying now: current channels, active threads, the bot's member. */
  function guildCreate(guild: GuildRecord): Record<string, unknown> {
    const own = (item: FakeChannel) => item.guild_id === guild.id;
    const active = [...threads.values()].filter((thread) => own(thread) && !thread.thread_metadata?.archived);
    return guildCreatePayload(guild, [...channels.values()].filter(own), active, init.botUser);
  }

  return {
    guilds,
    channels,
    threads,
    messages,
    users,
    commands,
    interactions,
    interactionsByToken,
    memberRoles,
    addThread,
    registerInteraction,
    channel,
    addMessage,
    removeMessage,
    guildCreate,
    message: (id: string) => messageIndex.get(id),
    messagesIn: (channelId: string): readonly FakeMessage[] => messages.get(channelId) ?? [],
    /** A message as the gateway carries it: with `guild_id`, and the author's `member` unless a webhook sent it. */
    gatewayMessage(message: FakeMessage): Record<string, unknown> {
      const guild = guilds.get(channel(message.channel_id)?.guild_id ?? '');
      if (!guild) return { ...message };
      const roles =
        message.author.id === init.botUser.id
          ? [guild.botRoleId]
          : [...(memberRoles.get(`${guild.id}:${message.author.id}`) ?? [])];
      const { user: _user, ...member } = memberObject(message.author, roles, guild.joinedAt);
      return { ...message, guild_id: guild.id, ...(message.webhook_id === undefined && { member }) };
    },
    guildOf(channelId: string): GuildRecord | undefined {
      const found = channel(channelId);
      return found ? guilds.get(found.guild_id) : undefined;
    },
    user(id: string, username = `member-${id.slice(-4)}`, bot = false): FakeUser {
      const known = users.get(id);
      if (known) return known;
      const created: FakeUser = {
        id,
        username,
        discriminator: '0',
        global_name: username,
        avatar: null,
        ...(bot && { bot }),
      };
      users.set(id, created);
      return created;
    },
  };
}

export type FakeState = ReturnType<typeof createFakeState>;
