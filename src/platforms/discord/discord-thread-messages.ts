import type { Message } from 'discord.js';
import type { ConversationRecord } from '../../core/records.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { DiscordContext } from './discord-context.js';
import { continueConversation } from './discord-continue.js';
import { attachmentLinkId } from './discord-deliverer.js';
import { sentenceFor } from './discord-errors.js';
import { type AttachmentInfo, attachmentOf, maxImageLinks } from './discord-image-links.js';
import { attachmentsOf, isMemberRequest, repliedTo } from './discord-member-message.js';
import { messageRequester } from './discord-requester.js';
import { nonceOf, postChannelMessage } from './discord-rest-messages.js';

type Target = { readonly turnId: string; readonly index?: number };

/**
 * A member's message in a conversation thread (or a reply to one of the bot's results) is the next instruction;
 * its image attachments, the images of a message it forwards and pasted links to images on Discord's CDN are
 * references — except a link to (or a forward of) one of the conversation's own results, which picks that image to
 * edit. System messages, bots, the bot itself and channels that are not conversations are ignored. Without the
 * Message Content intent members @mention the bot, and only those messages count.
 */
export async function handleThreadMessage(context: DiscordContext, message: Message): Promise<void> {
  if (!isMemberRequest(message)) return;
  // Before any await: the member cache keeps only the author of the message being handled (discord-caches.ts).
  const requester = messageRequester(message);
  const found = await findConversation(context, message);
  if (!found) return;
  const botId = context.client.user?.id;
  const mentioned = botId !== undefined && message.mentions.users.has(botId);
  if (!context.messageContent && !mentioned) return;
  const { text, links } = context.attachments.imageLinks(message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), ''));
  const { picked, references } = await pickedOutput(context, found.conversation, [...attachmentsOf(message), ...links]);
  if (text === '' && references.length === 0 && !picked) return;
  try {
    if (links.length > maxImageLinks) {
      throw new UserFacingError(
        'too_many_links',
        `I take at most ${maxImageLinks} image links from one message; attach the other images instead.`,
      );
    }
    context.attachments.check(references);
    const attachments = await context.attachments.download(references);
    const target = picked ?? found.target;
    await continueConversation(context, {
      requester,
      idempotencyKey: `discord:${message.id}`,
      conversation: found.conversation,
      action: 'edit',
      text,
      attachments,
      ...(target ? { target } : {}),
      replyTo: message.id,
      channelId: message.channelId,
    });
  } catch (error) {
    const reply = sentenceFor(error, context.logger, 'thread reply', { messageId: message.id });
    await postChannelMessage(
      context.rests.bot,
      message.channelId,
      {
        content: reply,
        allowed_mentions: { parse: [] },
        message_reference: { message_id: message.id, fail_if_not_exists: false },
      },
      nonceOf('answer', message.id),
    ).catch((postError: unknown) =>
      context.logger.warn({ err: postError }, 'discord: could not answer a thread reply'),
    );
  }
}

/**
 * The conversation a message continues: the one of the result it replies to, else the one living in its thread —
 * started from a result in the parent channel, or answered in place inside the thread (stored under the thread).
 */
async function findConversation(
  context: DiscordContext,
  message: Message<true>,
): Promise<{ conversation: ConversationRecord; target?: Target } | undefined> {
  const scope = { platform: 'discord' as const, workspaceId: message.guildId };
  const referenced = repliedTo(message);
  if (referenced) {
    const link = await context.engine.findMessage('discord', message.channelId, referenced);
    const conversation = link ? await context.engine.getConversation(link.conversationId, scope) : undefined;
    if (link && conversation) return { conversation, target: { turnId: link.turnId, index: link.outputIndex ?? 0 } };
  }
  const channel = message.channel;
  if (!channel.isThread() || !channel.parentId) return undefined;
  const conversation = await context.engine.findConversation({
    ...scope,
    channelId: channel.parentId,
    threadId: channel.id,
  });
  return conversation ? { conversation } : undefined;
}

/**
 * A link to (or a forward of) an image the bot posted in this conversation picks that output instead of adding it
 * as a reference; every other image stays a reference.
 */
async function pickedOutput(
  context: DiscordContext,
  conversation: ConversationRecord,
  infos: readonly AttachmentInfo[],
): Promise<{ picked?: Target; references: AttachmentInfo[] }> {
  const references: AttachmentInfo[] = [];
  let picked: Target | undefined;
  for (const info of infos) {
    const posted = attachmentOf(info.url);
    const link = posted
      ? await context.engine.findMessage('discord', posted.channelId, attachmentLinkId(posted.attachmentId))
      : undefined;
    if (!picked && link?.conversationId === conversation.id) {
      picked = { turnId: link.turnId, index: link.outputIndex ?? 0 };
      continue;
    }
    references.push(info);
  }
  return { ...(picked ? { picked } : {}), references };
}
