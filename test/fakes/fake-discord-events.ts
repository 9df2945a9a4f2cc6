import { randomBytes } from 'node:crypto';
import type {
  FakeDispatchedInteraction,
  FakeInteractionInput,
  FakeMessageInput,
  FakeReactionInput,
  FakeThreadPatch,
} from './fake-discord-inputs.js';
import { createInteractionData } from './fake-discord-interaction-data.js';
import { fakeBotPermissions, fakeMemberPermissions, permissionString } from './fake-discord-permissions.js';
import type { FakeChannel, FakeMessage } from './fake-discord-records.js';
import type { FakeApp } from './fake-discord-router.js';
import { isoTime, isThread, memberObject } from './fake-discord-shapes.js';
import { patchThread } from './fake-discord-threads.js';

export interface EventSink {
  /**
   * Throws unless a gateway client is ready (on the shard of `guildId`, when given): checked before the state
   * changes, so a failed helper leaves none.
   */
  assertListening(t: string, guildId?: string): void;
  send(t: string, d: unknown): void;
}

/** The member side of Discord: interactions, messages, deletions and thread updates, sent over the gateway. */
export function createEvents(app: FakeApp, defaults: { userId: string; channelId: string }, sink: EventSink) {
  const { state } = app;
  const build = createInteractionData(app);
  let otherBotId: string | undefined;

  function channelOf(id: string) {
    const channel = state.channel(id);
    if (!channel) throw new Error(`fake Discord: no channel ${id}`);
    return channel;
  }

  /** The DM between the member and someone else: the bot is no recipient, so it never reaches it with its token. */
  const dmChannels = new Map<string, FakeChannel>();
  function dmChannelOf(userId: string): FakeChannel {
    const known = dmChannels.get(userId);
    if (known) return known;
    const channel: FakeChannel = {
      id: app.snowflake(),
      type: 1,
      guild_id: '',
      name: '',
      parent_id: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
    dmChannels.set(userId, channel);
    return channel;
  }

  /** Records an interaction (so its callback and webhooks can be answered) and sends it on the gateway. */
  function dispatchInteraction(
    ids: { id: string; token: string; type: number; guildId: string; channelId: string; userId: string },
    body: { attachmentSizeLimit: number; payload: Record<string, unknown> },
  ): FakeDispatchedInteraction {
    const dispatchedAt = performance.now();
    state.registerInteraction({ ...ids, dispatchedAt, ...body });
    sink.send('INTERACTION_CREATE', body.payload);
    return { id: ids.id, token: ids.token, dispatchedAt, payload: body.payload };
  }

  /** An interaction through the member's user install in a DM (context 2): owners `{ "1": user }`, `user`, no guild. */
  function userInstallDm(input: FakeInteractionInput, type: number): FakeDispatchedInteraction {
    const message = build.message(input.message);
    if (type === 3 && !message) throw new Error('fake Discord: a component interaction needs `message`');
    const user = state.user(input.userId ?? defaults.userId, input.username);
    const channel = dmChannelOf(user.id);
    const id = app.snowflake();
    const token = `aW50ZXJhY3Rpb246${id}${randomBytes(48).toString('base64url')}`;
    const attachmentSizeLimit = input.attachmentSizeLimit ?? 10 * 1024 * 1024;
    const { guild_id: _guildId, name: _name, parent_id: _parentId, ...dm } = channel;
    const payload: Record<string, unknown> = {
      id,
      application_id: app.applicationId,
      type,
      token,
      version: 1,
      channel_id: channel.id,
      channel: { ...dm, recipients: [user] },
      user,
      // What a user install may do in a DM: Discord sends the app's permissions there too.
      app_permissions: permissionString(input.appPermissions ?? fakeBotPermissions),
      locale: input.locale ?? 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '1': user.id },
      context: 2,
      attachment_size_limit: attachmentSizeLimit,
      data: build.data(input, type, '', channel.id),
      ...(message && { message }),
    };
    return dispatchInteraction(
      { id, token, type, guildId: '', channelId: channel.id, userId: user.id },
      {
        attachmentSizeLimit,
        payload,
      },
    );
  }

  return {
    interaction(input: FakeInteractionInput = {}): FakeDispatchedInteraction {
      sink.assertListening('INTERACTION_CREATE');
      if (input.userInstallDm) return userInstallDm(input, input.type ?? 2);
      const type = input.type ?? 2;
      const message = build.message(input.message);
      if (type === 3 && !message) throw new Error('fake Discord: a component interaction needs `message`');
      const channel = channelOf(input.channelId ?? message?.channel_id ?? defaults.channelId);
      const guild = state.guilds.get(input.guildId ?? channel.guild_id);
      if (!guild) throw new Error(`fake Discord: no guild for channel ${channel.id}`);
      sink.assertListening('INTERACTION_CREATE', guild.id);
      const user = state.user(input.userId ?? defaults.userId, input.username);
      const appPermissions = permissionString(input.appPermissions ?? fakeBotPermissions);
      const id = app.snowflake();
      const token = `aW50ZXJhY3Rpb246${id}${randomBytes(48).toString('base64url')}`;
      const attachmentSizeLimit = input.attachmentSizeLimit ?? guild.attachmentSizeLimit;
      const payload: Record<string, unknown> = {
        id,
        application_id: app.applicationId,
        type,
        token,
        version: 1,
        guild_id: guild.id,
        guild: { id: guild.id, locale: 'en-US', features: [] },
        channel_id: channel.id,
        channel: { ...channel, permissions: appPermissions },
        member: {
          ...memberObject(user, [], guild.joinedAt),
          permissions: permissionString(input.memberPermissions ?? fakeMemberPermissions),
        },
        app_permissions: appPermissions,
        locale: input.locale ?? 'en-US',
        guild_locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': guild.id },
        context: 0,
        attachment_size_limit: attachmentSizeLimit,
        data: build.data(input, type, guild.id, channel.id),
        ...(message && { message }),
      };
      return dispatchInteraction(
        { id, token, type, guildId: guild.id, channelId: channel.id, userId: user.id },
        {
          attachmentSizeLimit,
          payload,
        },
      );
    },

    messageCreate(input: FakeMessageInput): FakeMessage {
      const channelId = input.channelId ?? defaults.channelId;
      const channel = channelOf(channelId);
      sink.assertListening('MESSAGE_CREATE', channel.guild_id);
      otherBotId ??= app.snowflake();
      const authorId = input.authorId ?? (input.bot ? otherBotId : defaults.userId);
      const author = state.user(authorId, input.username, input.bot ?? false);
      if (input.roles) {
        const guild = state.guilds.get(channel.guild_id);
        const ids = input.roles.map((name) => {
          const role = guild?.roles.find((candidate) => candidate['name'] === name);
          if (!role) throw new Error(`fake Discord: no role ${name} in guild ${channel.guild_id}`);
          return String(role['id']);
        });
        state.memberRoles.set(`${channel.guild_id}:${authorId}`, ids);
      }
      const mention = `<@${app.botUser.id}>`;
      const text = input.content ?? '';
      const content = input.mentionsBot && !text.includes(mention) ? `${mention} ${text}`.trim() : text;
      const referenced = input.referencedMessageId === undefined ? undefined : state.message(input.referencedMessageId);
      if (input.referencedMessageId !== undefined && !referenced) {
        throw new Error(`fake Discord: no message ${input.referencedMessageId} to reply to`);
      }
      const message: FakeMessage = {
        id: app.snowflake(),
        channel_id: channelId,
        type: referenced ? 19 : 0,
        content,
        author,
        timestamp: isoTime(app.now()),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: input.mentionsBot ? [app.botUser] : [],
        mention_roles: [],
        attachments: (input.attachments ?? []).map((file) => app.cdn.store(file, channelId)),
        embeds: [],
        components: [],
        pinned: false,
        flags: 0,
        ...(referenced && {
          message_reference: { type: 0, message_id: referenced.id, channel_id: channelId, guild_id: channel.guild_id },
          referenced_message: referenced,
        }),
      };
      // A member writing in an archived (unlocked) thread brings it back: THREAD_UPDATE first, as Discord does.
      if (isThread(channel) && channel.thread_metadata?.archived && !channel.thread_metadata.locked) {
        patchThread(channel, { archived: false }, app.now());
        sink.send('THREAD_UPDATE', channel);
      }
      state.addMessage(message);
      sink.send('MESSAGE_CREATE', app.gatewayMessage(message));
      return message;
    },

    messageDelete(messageId: string): void {
      sink.assertListening('MESSAGE_DELETE', state.guildOf(state.message(messageId)?.channel_id ?? '')?.id);
      const message = state.removeMessage(messageId);
      if (!message) throw new Error(`fake Discord: no message ${messageId}`);
      const guildId = state.channel(message.channel_id)?.guild_id;
      sink.send('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: guildId });
    },

    reactionAdd(input: FakeReactionInput): void {
      sink.assertListening('MESSAGE_REACTION_ADD');
      const message = state.message(input.messageId);
      if (!message) throw new Error(`fake Discord: no message ${input.messageId}`);
      const channel = channelOf(message.channel_id);
      const guild = state.guilds.get(channel.guild_id);
      if (!guild) throw new Error(`fake Discord: no guild for channel ${channel.id}`);
      const user = state.user(input.userId ?? defaults.userId, input.username);
      sink.send('MESSAGE_REACTION_ADD', {
        type: 0,
        user_id: user.id,
        channel_id: channel.id,
        message_id: message.id,
        guild_id: guild.id,
        member: memberObject(user, input.roles ?? [], guild.joinedAt),
        emoji: { id: null, name: input.emoji },
        burst: false,
        burst_colors: [],
        message_author_id: message.author.id,
      });
    },

    threadUpdate(patch: FakeThreadPatch) {
      const thread = state.threads.get(patch.threadId);
      if (!thread) throw new Error(`fake Discord: no thread ${patch.threadId}`);
      sink.assertListening('THREAD_UPDATE', thread.guild_id);
      patchThread(thread, { ...patch, auto_archive_duration: patch.autoArchiveDuration }, app.now());
      sink.send('THREAD_UPDATE', thread);
      return thread;
    },
  };
}
