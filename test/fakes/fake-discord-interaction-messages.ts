import { checkMessageLimits } from './fake-discord-limits.js';
import { createMessage, editMessage, isEphemeral } from './fake-discord-messages.js';
import type { FakeInteractionRecord, FakeMessage, FakeUploadedFile } from './fake-discord-records.js';
import type { FakeApp } from './fake-discord-router.js';

/** Messages made and edited through an interaction (callback or webhook), held to its `attachment_size_limit`. */
export function createInteractionMessages(app: FakeApp) {
  const { state } = app;

  /** What Discord puts on messages made through an interaction. */
  function interactionFields(record: FakeInteractionRecord): Partial<FakeMessage> {
    const data = (record.payload['data'] ?? {}) as Record<string, unknown>;
    const user = (record.payload['member'] as { user?: unknown } | undefined)?.user ?? record.payload['user'];
    const command = record.type === 2 ? { name: data['name'], command_type: data['type'] } : {};
    return {
      type: record.type === 2 ? (data['type'] === 1 ? 20 : 23) : 0,
      webhook_id: app.applicationId,
      application_id: app.applicationId,
      interaction_metadata: {
        id: record.id,
        type: record.type,
        user,
        authorizing_integration_owners: record.payload['authorizing_integration_owners'],
        ...command,
      },
    };
  }

  return {
    create(record: FakeInteractionRecord, body: Record<string, unknown>, files: readonly FakeUploadedFile[]) {
      const context = { id: app.snowflake(), author: app.botUser, now: app.now(), cdn: app.cdn };
      const message = createMessage({ body, files, channelId: record.channelId }, context, interactionFields(record));
      state.addMessage(message);
      record.messageIds.add(message.id);
      if (!isEphemeral(message) && record.guildId) app.echo('MESSAGE_CREATE', app.gatewayMessage(message));
      return message;
    },

    edit(
      record: FakeInteractionRecord,
      message: FakeMessage,
      body: Record<string, unknown>,
      files: readonly FakeUploadedFile[],
    ): FakeMessage {
      checkMessageLimits(body, files, record.attachmentSizeLimit);
      editMessage(message, { body, files, channelId: message.channel_id }, { now: app.now(), cdn: app.cdn });
      record.messageIds.add(message.id);
      if (!isEphemeral(message) && record.guildId) app.echo('MESSAGE_UPDATE', app.gatewayMessage(message));
      return message;
    },

    remove(record: FakeInteractionRecord, message: FakeMessage): void {
      state.removeMessage(message.id);
      // A bot that is not in a DM hears nothing of it.
      if (isEphemeral(message) || !record.guildId) return;
      app.echo('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: record.guildId });
    },
  };
}

export type InteractionMessages = ReturnType<typeof createInteractionMessages>;
