import {
  cannotSendHere,
  notAuthor,
  threadArchived,
  threadLocked,
  throwing,
  unknownChannel,
  unknownMessage,
  unknownReference,
} from './fake-discord-errors.js';
import { checkMessageLimits } from './fake-discord-limits.js';
import { createMessage, editMessage, isEphemeral } from './fake-discord-messages.js';
import type { FakeChannel, FakeMessage } from './fake-discord-records.js';
import { type FakeApp, noContent, ok, type Route, route } from './fake-discord-router.js';
import { isThread } from './fake-discord-shapes.js';
import { defaultAttachmentSizeLimit } from './fake-discord-state.js';
import { patchThread } from './fake-discord-threads.js';

/** How long Discord remembers an enforced nonce ("the past few minutes"). */
const nonceWindowMs = 5 * 60_000;

/** Channel messages with the bot token: create (nonce, reply), list, fetch, edit, delete. */
export function messageRoutes(app: FakeApp): Route[] {
  const { state } = app;
  const nonces = new Map<string, { readonly messageId: string; readonly at: number }>();

  const channelOf = (id: string | undefined): FakeChannel => state.channel(id ?? '') ?? throwing(unknownChannel());
  /** Ephemeral messages exist only for their interaction's webhook: the channel routes never see them. */
  const messageIn = (channel: FakeChannel, id: string | undefined): FakeMessage => {
    const message = state.message(id ?? '');
    return message && message.channel_id === channel.id && !isEphemeral(message) ? message : throwing(unknownMessage());
  };
  const sizeLimit = (channel: FakeChannel) =>
    state.guilds.get(channel.guild_id)?.attachmentSizeLimit ?? defaultAttachmentSizeLimit;

  /**
   * Posting in an archived thread unarchives it, as Discord does; a locked one refuses a bot without Manage Threads
   * (threadpaint's permissions): 50083 while it is archived too, 160005 while it is open.
   */
  function ensureWritable(channel: FakeChannel): void {
    if ([4, 15, 16].includes(channel.type)) throw cannotSendHere();
    if (!isThread(channel) || !channel.thread_metadata) return;
    const { archived, locked } = channel.thread_metadata;
    if (locked) throw archived ? threadArchived() : threadLocked();
    if (!archived) return;
    patchThread(channel, { archived: false }, app.now());
    app.echo('THREAD_UPDATE', channel);
  }

  /** A reply: the referenced message must exist in the channel unless `fail_if_not_exists` is false. */
  function replyFields(channel: FakeChannel, reference: unknown): Partial<FakeMessage> {
    if (typeof reference !== 'object' || reference === null) return {};
    const fields = reference as Record<string, unknown>;
    const target = state.message(String(fields['message_id'] ?? ''));
    if (!target || isEphemeral(target) || target.channel_id !== String(fields['channel_id'] ?? channel.id)) {
      if (fields['fail_if_not_exists'] === false) return {};
      throw unknownReference();
    }
    return {
      type: 19,
      message_reference: { type: 0, message_id: target.id, channel_id: channel.id, guild_id: channel.guild_id },
      referenced_message: target,
    };
  }

  function previousForNonce(channel: FakeChannel, body: Record<string, unknown>): FakeMessage | undefined {
    const nonce = body['nonce'];
    if (body['enforce_nonce'] !== true || nonce === undefined || nonce === null) return undefined;
    const seen = nonces.get(`${channel.id}:${String(nonce)}`);
    if (!seen || app.now() - seen.at > nonceWindowMs) return undefined;
    return state.message(seen.messageId);
  }

  return [
    route('POST /channels/{channel_id}/messages', 'bot', ({ params, body, files }) => {
      const channel = channelOf(params['channel_id']);
      checkMessageLimits(body, files, sizeLimit(channel));
      const previous = previousForNonce(channel, body);
      if (previous) return ok(previous);
      ensureWritable(channel);
      const reply = replyFields(channel, body['message_reference']);
      const write = { body, files, channelId: channel.id };
      const message = createMessage(
        write,
        { id: app.snowflake(), author: app.botUser, now: app.now(), cdn: app.cdn },
        reply,
      );
      state.addMessage(message);
      if (body['nonce'] !== undefined && body['nonce'] !== null) {
        nonces.set(`${channel.id}:${String(body['nonce'])}`, { messageId: message.id, at: app.now() });
      }
      app.echo('MESSAGE_CREATE', app.gatewayMessage(message));
      return ok(message);
    }),

    route('GET /channels/{channel_id}/messages', 'bot', ({ params, query }) => {
      const channel = channelOf(params['channel_id']);
      const limit = Math.min(Math.max(Number(query.get('limit') ?? 50), 1), 100);
      const before = query.get('before');
      const after = query.get('after');
      const newestFirst = state
        .messagesIn(channel.id)
        .filter((message) => !isEphemeral(message))
        .reverse();
      const picked = newestFirst.filter(
        (message) =>
          (before === null || BigInt(message.id) < BigInt(before)) &&
          (after === null || BigInt(message.id) > BigInt(after)),
      );
      return ok(after === null ? picked.slice(0, limit) : picked.slice(-limit));
    }),

    route('GET /channels/{channel_id}/messages/{message_id}', 'bot', ({ params }) =>
      ok(messageIn(channelOf(params['channel_id']), params['message_id'])),
    ),

    route('PATCH /channels/{channel_id}/messages/{message_id}', 'bot', ({ params, body, files }) => {
      const channel = channelOf(params['channel_id']);
      const message = messageIn(channel, params['message_id']);
      if (message.author.id !== app.botUser.id) throw notAuthor();
      // Messages in an archived thread cannot be edited until something unarchives it.
      if (isThread(channel) && channel.thread_metadata?.archived) throw threadArchived();
      checkMessageLimits(body, files, sizeLimit(channel));
      editMessage(message, { body, files, channelId: channel.id }, { now: app.now(), cdn: app.cdn });
      app.echo('MESSAGE_UPDATE', app.gatewayMessage(message));
      return ok(message);
    }),

    route('DELETE /channels/{channel_id}/messages/{message_id}', 'bot', ({ params }) => {
      const channel = channelOf(params['channel_id']);
      const message = messageIn(channel, params['message_id']);
      state.removeMessage(message.id);
      app.echo('MESSAGE_DELETE', { id: message.id, channel_id: channel.id, guild_id: channel.guild_id });
      return noContent;
    }),

    route('POST /channels/{channel_id}/typing', 'bot', ({ params }) => {
      channelOf(params['channel_id']);
      return noContent;
    }),
  ];
}
