import { type RawFile, Routes } from 'discord.js';
import type { DeliveryContext } from '../../core/engine/engine-types.js';
import { upscaleStep } from '../../core/engine/upscale.js';
import { fittedForUploadNotice } from '../../core/image-sentences.js';
import type { DeliveryIds } from '../../core/platform/chat-platform.js';
import { sniffImageType } from '../../images/image-type.js';
import { discordCode, discordCodes, redactDiscordError } from './discord-errors.js';
import type { DiscordOutbound } from './discord-outbound.js';
import { clip, resultContent, resultRows, threadName } from './discord-render.js';
import {
  editTargetMessage,
  type MessageBody,
  MissingMessageError,
  nonceOf,
  postChannelMessage,
} from './discord-rest-messages.js';
import { type DiscordTarget, defaultSizeLimit, readTarget } from './discord-target.js';

/**
 * Posts a finished turn from stored ids and bytes: edits the deferred reply (or the status message) into the result
 * with the images as attachments and the turn's buttons, starts the conversation's thread on a first result, and
 * maps the message — and each image on it, by its attachment id — to the turn, so replies, pasted image links and
 * buttons find the image they mean.
 */
export function createDiscordDeliverer(outbound: DiscordOutbound) {
  const { rests, engine } = outbound;

  async function filesFor(
    context: DeliveryContext,
    target: DiscordTarget,
  ): Promise<{ files: RawFile[]; notice?: string }> {
    const maxBytes = target.sizeLimit ?? defaultSizeLimit;
    const files: RawFile[] = [];
    let reencoded = 0;
    for (const [index, image] of context.images.slice(0, 10).entries()) {
      const fitted = await outbound.pipeline.prepareOutput(image.bytes, { maxBytes });
      if (fitted.reencoded) reencoded++;
      const extension = sniffImageType(fitted.bytes)?.extension ?? 'png';
      files.push({
        name: `threadpaint-${context.turn.id.slice(0, 8)}-${index + 1}.${extension}`,
        data: Buffer.from(fitted.bytes),
        contentType: fitted.mimeType,
      });
    }
    return { files, ...(reencoded > 0 ? { notice: fittedForUploadNotice(reencoded, maxBytes) } : {}) };
  }

  const mentionOfBot = async () => {
    const botId = await outbound.botUserId();
    return botId ? `<@${botId}>` : 'the bot';
  };

  async function startThread(context: DeliveryContext, target: DiscordTarget, messageId: string): Promise<void> {
    if (!target.startThread || context.conversation.threadId) return;
    try {
      const thread = (await rests.bot.post(Routes.threads(target.channelId, messageId), {
        body: { name: threadName(context.turn.instruction), auto_archive_duration: 10080 },
      })) as { id: string };
      await engine.updateConversation(context.conversation.id, { threadId: thread.id });
      const hint = outbound.messageContent
        ? 'Reply in this thread to edit the image: say what to change, or attach a picture to mix in.'
        : `Mention ${await mentionOfBot()} in a reply here to edit the image (say what to change, or attach a picture), or use the Edit button.`;
      await postChannelMessage(
        rests.bot,
        thread.id,
        { content: hint, allowed_mentions: { parse: [] } },
        nonceOf('hint', context.conversation.id),
      );
    } catch (error) {
      if (discordCode(error) !== discordCodes.missingPermissions && discordCode(error) !== discordCodes.missingAccess)
        throw error;
      outbound.permissionNotices.report(target.guildId, target.channelId, [
        'Create Public Threads',
        'Send Messages in Threads',
      ]);
    }
  }

  async function deliverTurn(context: DeliveryContext): Promise<DeliveryIds> {
    const target = readTarget(context.job.delivery);
    const model = engine.catalogue.find(context.turn.parameters?.model ?? '');
    const { files, notice } = await filesFor(context, target);
    const content = resultContent(context.turn, context.job, undefined);
    const body: MessageBody = {
      content: notice ? clip(`${content}\n-# ${notice}`) : content,
      components: resultRows(
        context.turn,
        (model?.maxInputImages ?? 0) > 0,
        context.turn.parameters ? upscaleStep(engine.catalogue, context.turn.parameters) : undefined,
      ),
      // Discord's schema types the id of a new upload as a string: the index of its `files[n]` part.
      attachments: files.map((_, index) => ({ id: String(index) })),
      allowed_mentions: { users: [context.job.memberId] },
    };
    let message: { id: string; channel_id: string; attachments?: readonly { id: string }[] };
    try {
      message = await editTargetMessage(rests, target, body, files, outbound.now());
    } catch (error) {
      if (!(error instanceof MissingMessageError) && discordCode(error) !== discordCodes.unknownMessage) throw error;
      // A user install's message is reached through its webhook only: never a bot post where the bot is not.
      if (target.webhookOnly) throw error;
      // The status message is gone (deleted by someone, or never posted): the result becomes a new message.
      const reference = target.replyTo ? { message_id: target.replyTo, fail_if_not_exists: false } : undefined;
      message = await postChannelMessage(
        rests.bot,
        target.channelId,
        { ...body, ...(reference ? { message_reference: reference } : {}) },
        nonceOf('result', context.job.id),
        files,
      );
    }
    const link = {
      platform: 'discord' as const,
      workspaceId: target.guildId,
      channelId: message.channel_id ?? target.channelId,
      conversationId: context.conversation.id,
      turnId: context.turn.id,
    };
    await engine.linkMessage({ ...link, messageId: message.id });
    for (const [index, attachment] of (message.attachments ?? []).entries()) {
      await engine.linkMessage({ ...link, messageId: attachmentLinkId(attachment.id), outputIndex: index });
    }
    if (context.turn.action === 'imagine' && !context.conversation.rootMessageId) {
      await engine.updateConversation(context.conversation.id, { rootMessageId: message.id });
    }
    await startThread(context, target, message.id);
    return { messageId: message.id };
  }

  return {
    async deliver(context: DeliveryContext): Promise<DeliveryIds> {
      try {
        return await deliverTurn(context);
      } catch (error) {
        // The engine logs a failed delivery: without the interaction token or the image bytes.
        throw redactDiscordError(error);
      }
    },
  };
}

/** The message link of one image on a result: found again from its attachment id (a pasted link carries it). */
export const attachmentLinkId = (attachmentId: string) => `attachment:${attachmentId}`;
