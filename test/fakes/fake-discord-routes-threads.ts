import {
  createFormErrors,
  threadExists,
  throwing,
  unknownChannel,
  unknownMessage,
  wrongChannelType,
} from './fake-discord-errors.js';
import { checkMessageLimits, checkThreadFields } from './fake-discord-limits.js';
import { createMessage, isEphemeral } from './fake-discord-messages.js';
import type { FakeChannel } from './fake-discord-records.js';
import { type FakeApp, noContent, ok, type Route, route } from './fake-discord-router.js';
import { isoTime, isThread, threadObject } from './fake-discord-shapes.js';
import { defaultAttachmentSizeLimit } from './fake-discord-state.js';
import { patchThread, threadDeletePayload } from './fake-discord-threads.js';

/** Only text and announcement channels have threads started from messages or from nothing; forums take posts. */
const threadParents = [0, 5];
const forums = [15, 16];

/** Channels and threads: fetch, patch (archive, unarchive, rename), delete, start threads, join. */
export function threadRoutes(app: FakeApp): Route[] {
  const { state } = app;
  const channelOf = (id: string | undefined): FakeChannel => state.channel(id ?? '') ?? throwing(unknownChannel());

  function requireName(body: Record<string, unknown>): string {
    if (typeof body['name'] !== 'string') {
      const errors = createFormErrors();
      errors.add(['name'], 'BASE_TYPE_REQUIRED', 'This field is required');
      errors.throwIfAny();
    }
    checkThreadFields(body);
    return body['name'] as string;
  }

  function newThread(parent: FakeChannel, id: string, type: number, body: Record<string, unknown>): FakeChannel {
    const thread = threadObject({
      id,
      type,
      name: requireName(body),
      guildId: parent.guild_id,
      parentId: parent.id,
      ownerId: app.botUser.id,
      autoArchiveDuration: Number(body['auto_archive_duration'] ?? parent['default_auto_archive_duration'] ?? 4320),
      archived: false,
      locked: false,
      createdAt: isoTime(app.now()),
    });
    state.addThread(thread);
    app.echo('THREAD_CREATE', { ...thread, newly_created: true });
    return thread;
  }

  return [
    route('POST /channels/{channel_id}/messages/{message_id}/threads', 'bot', ({ params, body }) => {
      const parent = channelOf(params['channel_id']);
      if (!threadParents.includes(parent.type)) throw wrongChannelType();
      const message = state.message(params['message_id'] ?? '');
      if (!message || message.channel_id !== parent.id || isEphemeral(message)) throw unknownMessage();
      if (state.threads.has(message.id)) throw threadExists();
      // A thread started from a message takes the message's id; its type follows the parent's.
      const thread = newThread(parent, message.id, parent.type === 5 ? 10 : 11, body);
      message.thread = thread;
      return ok(thread, 201);
    }),

    route('POST /channels/{channel_id}/threads', 'bot', ({ params, body, files }) => {
      const parent = channelOf(params['channel_id']);
      if (forums.includes(parent.type)) {
        const starter = body['message'];
        if (typeof starter !== 'object' || starter === null) {
          const errors = createFormErrors();
          errors.add(['message'], 'BASE_TYPE_REQUIRED', 'This field is required');
          errors.throwIfAny();
        }
        const content = starter as Record<string, unknown>;
        const limit = state.guilds.get(parent.guild_id)?.attachmentSizeLimit ?? defaultAttachmentSizeLimit;
        checkMessageLimits(content, files, limit, ['message']);
        const thread = newThread(parent, app.snowflake(), 11, body);
        const context = { id: thread.id, author: app.botUser, now: app.now(), cdn: app.cdn };
        const message = createMessage({ body: content, files, channelId: thread.id }, context);
        state.addMessage(message);
        app.echo('MESSAGE_CREATE', app.gatewayMessage(message));
        return ok({ ...thread, message }, 201);
      }
      if (!threadParents.includes(parent.type)) throw wrongChannelType();
      const type = Number(body['type'] ?? 12);
      return ok(newThread(parent, app.snowflake(), parent.type === 5 ? 10 : type, body), 201);
    }),

    route('GET /channels/{channel_id}', 'bot', ({ params }) => ok(channelOf(params['channel_id']))),

    route('PATCH /channels/{channel_id}', 'bot', ({ params, body }) => {
      const channel = channelOf(params['channel_id']);
      checkThreadFields(body);
      if (!isThread(channel)) {
        if (typeof body['name'] === 'string') channel.name = body['name'];
        if (body['topic'] !== undefined) channel.topic = body['topic'] as string | null;
        app.echo('CHANNEL_UPDATE', channel);
        return ok(channel);
      }
      patchThread(channel, body, app.now());
      app.echo('THREAD_UPDATE', channel);
      return ok(channel);
    }),

    route('DELETE /channels/{channel_id}', 'bot', ({ params }) => {
      const channel = channelOf(params['channel_id']);
      if (isThread(channel)) {
        state.threads.delete(channel.id);
        app.echo('THREAD_DELETE', threadDeletePayload(channel));
      } else {
        state.channels.delete(channel.id);
        app.echo('CHANNEL_DELETE', channel);
      }
      return ok(channel);
    }),

    route('PUT /channels/{channel_id}/thread-members/@me', 'bot', ({ params }) => {
      const thread = channelOf(params['channel_id']);
      if (!isThread(thread)) throw wrongChannelType();
      return noContent;
    }),
  ];
}
