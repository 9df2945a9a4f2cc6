import { type RawFile, Routes } from 'discord.js';
import type { ConversationEngine } from '../../core/engine/conversation-engine.js';
import type { Deliverer, DeliveryContext, EngineLogger } from '../../core/engine/engine-types.js';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import { sniffImageType } from '../../images/image-type.js';
import type { PermissionNotices } from './discord-permissions.js';
import { resultContent, resultRows, threadName } from './discord-render.js';
import {
  type DiscordRests,
  discordCode,
  discordCodes,
  editTargetMessage,
  type MessageBody,
  MissingMessageError,
  nonceOf,
  postChannelMessage,
  redactDiscordError,
} from './discord-rest-messages.js';
import { type DiscordTarget, defaultSizeLimit, readTarget } from './discord-target.js';

export interface DiscordDelivererOptions {
  readonly rests: DiscordRests;
  readonly engine: ConversationEngine;
  readonly catalogue: ModelCatalogue;
  readonly pipeline: ImagePipeline;
  readonly logger: EngineLogger;
  readonly now: () => number;
  readonly messageContent: boolean;
  readonly botUserId: () => string | undefined;
  readonly permissionNotices: PermissionNotices;
  /** Resolves once the job's status edits are done and stops later ones (the result replaces the status). */
  readonly settleStatus: (jobId: string) => Promise<void>;
}

/**
 * Posts a finished turn from stored ids and bytes: edits the deferred reply (or the status message) into the result
 * with the images as attachments and the turn's buttons, starts the conversation's thread on a first result, and
 * maps the message to the turn so replies and buttons find it.
 */
export function createDiscordDeliverer(options: DiscordDelivererOptions): Deliverer {
  const { rests, engine } = options;
  const rest = rests.bot;

  async function filesFor(context: DeliveryContext, target: DiscordTarget): Promise<RawFile[]> {
    const maxBytes = target.sizeLimit ?? defaultSizeLimit;
    const files: RawFile[] = [];
    for (const [index, image] of context.images.slice(0, 10).entries()) {
      const fitted = await options.pipeline.prepareOutput(image.bytes, { maxBytes });
      const extension = sniffImageType(fitted.bytes)?.extension ?? 'png';
      files.push({
        name: `threadpaint-${context.turn.id.slice(0, 8)}-${index + 1}.${extension}`,
        data: Buffer.from(fitted.bytes),
        contentType: fitted.mimeType,
      });
    }
    return files;
  }

  async function startThread(context: DeliveryContext, target: DiscordTarget, messageId: string): Promise<void> {
    if (!target.startThread || context.conversation.threadId) return;
    try {
      const thread = (await rest.post(Routes.threads(target.channelId, messageId), {
        body: { name: threadName(context.turn.instruction), auto_archive_duration: 10080 },
      })) as { id: string };
      await engine.updateConversation(context.conversation.id, { threadId: thread.id });
      const mention = options.botUserId() ? `<@${options.botUserId()}>` : 'the bot';
      const hint = options.messageContent
        ? 'Reply in this thread to edit the image: say what to change, or attach a picture to mix in.'
        : `Mention ${mention} in a reply here to edit the image (say what to change, or attach a picture), or use the Edit button.`;
      await postChannelMessage(rest, thread.id, { content: hint, allowed_mentions: { parse: [] } });
    } catch (error) {
      if (discordCode(error) !== discordCodes.missingPermissions && discordCode(error) !== discordCodes.missingAccess)
        throw error;
      options.permissionNotices.report(target.guildId, target.channelId, [
        'Create Public Threads',
        'Send Messages in Threads',
      ]);
    }
  }

  return {
    async deliver(context) {
      try {
        return await deliverTurn(context);
      } catch (error) {
        // The engine logs a failed delivery: without the interaction token or the image bytes.
        throw redactDiscordError(error);
      }
    },
  };

  async function deliverTurn(context: DeliveryContext): Promise<{ messageId: string }> {
    const target = readTarget(context.job.delivery);
    const model = options.catalogue.find(context.turn.parameters?.model ?? '');
    const files = await filesFor(context, target);
    await options.settleStatus(context.job.id);
    const body: MessageBody = {
      content: resultContent(context.turn, context.job, undefined),
      components: resultRows(context.turn, (model?.maxInputImages ?? 0) > 0),
      // Discord's schema types the id of a new upload as a string: the index of its `files[n]` part.
      attachments: files.map((_, index) => ({ id: String(index) })),
      allowed_mentions: { users: [context.job.memberId] },
    };
    let message: { id: string; channel_id: string };
    try {
      message = await editTargetMessage(rests, target, body, files, options.now());
    } catch (error) {
      if (!(error instanceof MissingMessageError) && discordCode(error) !== discordCodes.unknownMessage) throw error;
      // The status message is gone (deleted by someone): post the result as a new message instead.
      message = await postChannelMessage(
        rest,
        target.channelId,
        {
          ...body,
          nonce: nonceOf(context.job.id),
          ...(target.replyTo ? { message_reference: { message_id: target.replyTo, fail_if_not_exists: false } } : {}),
        },
        files,
      );
    }
    await engine.linkMessage({
      platform: 'discord',
      workspaceId: target.guildId,
      channelId: message.channel_id ?? target.channelId,
      messageId: message.id,
      conversationId: context.conversation.id,
      turnId: context.turn.id,
    });
    if (context.turn.action === 'imagine' && !context.conversation.rootMessageId) {
      await engine.updateConversation(context.conversation.id, { rootMessageId: message.id });
    }
    await startThread(context, target, message.id);
    return { messageId: message.id };
  }
}
