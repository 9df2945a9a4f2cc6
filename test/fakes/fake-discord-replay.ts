import type { EventSink } from './fake-discord-events.js';
import type { FakeInteractionRecord, FakeMessage } from './fake-discord-records.js';
import type { FakeApp } from './fake-discord-router.js';
import { defaultAttachmentSizeLimit } from './fake-discord-state.js';

/**
 * Dispatches captured payloads as they are (only their ids rewritten by the test), where the event helpers build
 * theirs: what Discord really sends includes shapes the helpers never make (system message types, forwards,
 * interactions without fields discord.js expects). The fake keeps what it needs to answer the bot afterwards.
 */
export function createReplay(app: FakeApp, sink: EventSink) {
  const { state } = app;
  return {
    /** A MESSAGE_CREATE: stored (so replies to it resolve) and sent with the gateway's `guild_id` and `member`. */
    message(payload: Record<string, unknown>): FakeMessage {
      const message = payload as FakeMessage;
      if (typeof message.id !== 'string' || typeof message.channel_id !== 'string' || !message.author) {
        throw new Error('fake Discord: a replayed message needs id, channel_id and author');
      }
      sink.assertListening('MESSAGE_CREATE', state.guildOf(message.channel_id)?.id);
      if (!state.channel(message.channel_id)) throw new Error(`fake Discord: no channel ${message.channel_id}`);
      state.user(message.author.id, message.author.username, message.author.bot ?? false);
      state.addMessage(message);
      sink.send('MESSAGE_CREATE', { ...app.gatewayMessage(message), ...payload });
      return message;
    },

    /** An INTERACTION_CREATE exactly as given; its id and token are registered so the callback route answers it. */
    interaction(payload: Record<string, unknown>): FakeInteractionRecord {
      const { id, token, type, guild_id: guildId, channel_id: channelId } = payload;
      sink.assertListening('INTERACTION_CREATE', typeof guildId === 'string' ? guildId : undefined);
      if (typeof id !== 'string' || typeof token !== 'string' || typeof type !== 'number') {
        throw new Error('fake Discord: a replayed interaction needs id, token and type');
      }
      const member = payload['member'] as { user?: { id?: string } } | undefined;
      const guild = state.guilds.get(String(guildId));
      const record = state.registerInteraction({
        id,
        token,
        type,
        guildId: String(guildId ?? ''),
        channelId: String(channelId ?? ''),
        userId: String(member?.user?.id ?? ''),
        dispatchedAt: performance.now(),
        attachmentSizeLimit: guild?.attachmentSizeLimit ?? defaultAttachmentSizeLimit,
        payload,
      });
      sink.send('INTERACTION_CREATE', payload);
      return record;
    },
  };
}
