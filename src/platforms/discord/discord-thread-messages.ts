import type { Message } from 'discord.js';
import type { ConversationRecord } from '../../core/records.js';
import { isUserFacingError, UserFacingError } from '../../core/user-facing-error.js';
import { newReferenceId } from '../../logging/logger.js';
import type { DiscordContext } from './discord-context.js';
import { continueConversation } from './discord-continue.js';
import { maxImageLinks } from './discord-image-links.js';
import { attachmentsOf, isMemberRequest, repliedTo } from './discord-member-message.js';
import { messageRequester } from './discord-requester.js';
import { postChannelMessage } from './discord-rest-messages.js';

/**
 * A member's message in a conversation thread (or a reply to one of the bot's results) is the next instruction;
 * its image attachments, the images of a message it forwards and pasted links to images on Discord's CDN are
 * references. System messages, bots, the bot itself and channels that are not conversations are ignored. Without
 * the Message Content intent members @mention the bot, and only those messages count.
 */
export async function handleThreadMessage(context: DiscordContext, message: Message): Promise<void> {
  if (!isMemberRequest(message)) return;
  const found = await findConversation(context, message);
  if (!found) return;
  const botId = context.client.user?.id;
  const mentioned = botId !== undefined && message.mentions.users.has(botId);
  if (!context.messageContent && !mentioned) return;
  const { text, links } = context.attachments.imageLinks(message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), ''));
  const infos = [...attachmentsOf(message), ...links];
  if (text === '' && infos.length === 0) return;
  try {
    if (links.length > maxImageLinks) {
      throw new UserFacingError(
        'too_many_links',
        `I take at most ${maxImageLinks} image links from one message; attach the other images instead.`,
      );
    }
    context.attachments.check(infos);
    const attachments = await context.attachments.download(infos);
    await continueConversation(context, {
      requester: messageRequester(message),
      idempotencyKey: `discord:${message.id}`,
      conversation: found.conversation,
      action: 'edit',
      text: text === '' ? 'mix these images' : text,
      attachments,
      ...(found.target ? { target: found.target } : {}),
      replyTo: message.id,
      channelId: message.channelId,
    });
  } catch (error) {
    let reply: string;
    if (isUserFacingError(error)) reply = error.message;
    else {
      const reference = newReferenceId();
      context.logger.error({ err: error, reference, messageId: message.id }, 'discord: thread reply failed');
      reply = `Something went wrong on our side, sorry; please try again (ref ${reference}).`;
    }
    await postChannelMessage(context.rest, message.channelId, {
      content: `⚠️ ${reply}`,
      allowed_mentions: { parse: [] },
      message_reference: { message_id: message.id, fail_if_not_exists: false },
    }).catch((postError: unknown) =>
      context.logger.warn({ err: postError }, 'discord: could not answer a thread reply'),
    );
  }
}

async function findConversation(
  context: DiscordContext,
  message: Message<true>,
): Promise<{ conversation: ConversationRecord; target?: { turnId: string; index?: number } } | undefined> {
  const referenced = repliedTo(message);
  if (referenced) {
    const link = await context.engine.findMessage('discord', message.channelId, referenced);
    if (link) {
      const conversation = await context.store.getConversation(link.conversationId);
      if (conversation) return { conversation, target: { turnId: link.turnId, index: link.outputIndex ?? 0 } };
    }
  }
  const channel = message.channel;
  if (!channel.isThread() || !channel.parentId) return undefined;
  const conversation = await context.engine.findConversation({
    platform: 'discord',
    workspaceId: message.guildId,
    channelId: channel.parentId,
    threadId: channel.id,
  });
  return conversation ? { conversation } : undefined;
}
