import {
  type GuildMember,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  PermissionFlagsBits,
  Routes,
  type User,
} from 'discord.js';
import type { DiscordContext } from './discord-context.js';
import { continueConversation } from './discord-continue.js';
import { sentenceFor } from './discord-errors.js';
import { requesterOf } from './discord-requester.js';
import { nonceOf, postChannelMessage } from './discord-rest-messages.js';

/** The reactions threadpaint acts on: 🔁 rerolls a result, ❌ deletes it. */
export const rerollEmoji = '🔁';
export const deleteEmoji = '❌';

/**
 * A reaction on one of the bot's results, resolved through the message-to-turn map (never the message cache: with
 * partials the message may be only its ids). 🔁 from the member who asked rerolls it, as the Reroll button does; ❌
 * from that member or a moderator (Manage Messages) deletes it, as Delete does. Anyone else's reaction, any other
 * emoji, a message that is not a result, or a result of another server does nothing, silently.
 */
export async function handleReaction(
  context: DiscordContext,
  reaction: MessageReaction | PartialMessageReaction,
  user: User | PartialUser,
): Promise<void> {
  const emoji = reaction.emoji.name;
  if (emoji !== rerollEmoji && emoji !== deleteEmoji) return;
  if (user.bot || user.id === context.client.user?.id) return;
  const { message } = reaction;
  const guildId = message.guildId;
  if (!guildId) return;
  const link = await context.engine.findMessage('discord', message.channelId, message.id);
  // An image's own link (a pasted attachment) is no message to react to; another server's record is not ours here.
  if (!link || link.workspaceId !== guildId || link.messageId.startsWith('attachment:')) return;
  const permissions = permissionsOf(message.guild?.members.cache.get(user.id), message.channelId);
  const moderator = permissions?.has(PermissionFlagsBits.ManageMessages) ?? false;
  const turn = await context.engine.getTurn(link.turnId, requesterOf(guildId, user.id, null, 'quota'));
  if (!turn) return;
  const isAuthor = turn.authorId === user.id;
  if (emoji === deleteEmoji && !isAuthor && !moderator) return;
  if (emoji === rerollEmoji && !isAuthor) return;
  try {
    if (emoji === deleteEmoji) {
      const links = await context.engine.deleteTurn(turn.id, requesterOf(guildId, user.id, permissions, 'moderate'));
      for (const posted of links) {
        if (posted.messageId.startsWith('attachment:')) continue;
        await context.rests.bot
          .delete(Routes.channelMessage(posted.channelId, posted.messageId))
          .catch(() => undefined);
      }
      return;
    }
    const conversation = await context.engine.getConversation(link.conversationId, {
      platform: 'discord',
      workspaceId: guildId,
    });
    if (!conversation) return;
    await continueConversation(context, {
      requester: requesterOf(guildId, user.id, permissions, 'quota'),
      // A reaction event has no id of its own: a 🔁 again within the same minute (or the gateway replaying the event
      // on a resume) makes no second job; a later one rerolls again.
      idempotencyKey: `discord:reaction:${message.id}:${user.id}:${Math.floor(context.now() / 60_000)}`,
      conversation,
      action: 'reroll',
      text: turn.instruction,
      attachments: [],
      target: { turnId: turn.id, index: 0 },
    });
  } catch (error) {
    // The member reacted where the conversation is: the refusal is said there, to them.
    const content = sentenceFor(error, context.logger, 'reaction', { messageId: message.id, emoji });
    const conversationChannel = (
      await context.engine.getConversation(link.conversationId, {
        platform: 'discord',
        workspaceId: guildId,
      })
    )?.threadId;
    await postChannelMessage(
      context.rests.bot,
      conversationChannel ?? message.channelId,
      { content: `<@${user.id}> ${content}`, allowed_mentions: { users: [user.id] } },
      nonceOf('answer', `${message.id}${user.id}`),
    ).catch((postError: unknown) => context.logger.warn({ err: postError }, 'discord: could not answer a reaction'));
  }
}

/** The member's permissions in the channel, from the member the reaction event carried (undefined when unknown). */
function permissionsOf(member: GuildMember | undefined, channelId: string) {
  try {
    return member?.permissionsIn(channelId);
  } catch {
    // A channel the client holds nothing of: no moderator rights can be shown, so none are assumed.
    return undefined;
  }
}
