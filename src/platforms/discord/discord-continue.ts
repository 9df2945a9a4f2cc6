import type { InboundRequest, Requester } from '../../core/engine/engine-types.js';
import type { InputImage } from '../../core/imagine-request.js';
import type { ConversationRecord, TurnAction } from '../../core/records.js';
import type { DiscordContext } from './discord-context.js';
import { postChannelMessage } from './discord-rest-messages.js';
import { defaultSizeLimit, toDelivery } from './discord-target.js';
import { threadUnavailable } from './discord-thread-errors.js';

export interface ContinueRequest {
  readonly requester: Requester;
  readonly idempotencyKey: string;
  readonly conversation: ConversationRecord;
  readonly action: TurnAction;
  readonly text: string;
  readonly attachments: readonly InputImage[];
  readonly target?: { readonly turnId: string; readonly index?: number };
  /** The member message the result replies to (a thread reply). */
  readonly replyTo?: string;
  /** Where to post; the conversation's thread by default. */
  readonly channelId?: string;
  readonly options?: InboundRequest['options'];
}

/**
 * The next turn of a conversation (a thread reply, Reroll, Variations, a modal Edit): the request is checked first,
 * then a status message is posted where the result will land (the thread) and the job is submitted with that
 * message as its target; a duplicate removes the status message again.
 */
export async function continueConversation(
  context: DiscordContext,
  request: ContinueRequest,
): Promise<'queued' | 'duplicate'> {
  const { conversation } = request;
  const channelId = request.channelId ?? conversation.threadId ?? conversation.channelId;
  const inbound: InboundRequest = {
    ...request.requester,
    idempotencyKey: request.idempotencyKey,
    action: request.action,
    text: request.text,
    attachments: request.attachments,
    channelId: conversation.channelId,
    conversationId: conversation.id,
    ...(request.target ? { target: request.target } : {}),
    ...(request.options ? { options: request.options } : {}),
    delivery: {},
  };
  await context.engine.precheck(inbound);
  const status = await postChannelMessage(context.rest, channelId, {
    content: `<@${request.requester.memberId}> ⏳ Queued`,
    allowed_mentions: { parse: [] },
    ...(request.replyTo ? { message_reference: { message_id: request.replyTo, fail_if_not_exists: false } } : {}),
  }).catch((error: unknown) => {
    const unavailable = threadUnavailable(error);
    if (!unavailable) throw error;
    // Nothing is made: the member is told why, and the operator has nothing to fix.
    context.logger.warn(
      {
        code: unavailable.discordCode,
        channelId,
        conversationId: conversation.id,
        memberId: request.requester.memberId,
      },
      `discord: cannot post in the conversation's thread (${unavailable.code}); no job made`,
    );
    throw unavailable;
  });
  const delivery = toDelivery({
    kind: 'channel',
    guildId: conversation.workspaceId,
    channelId,
    messageId: status.id,
    replyTo: request.replyTo ?? null,
    sizeLimit: context.sizeLimits.get(conversation.workspaceId) ?? defaultSizeLimit,
  });
  const result = await context.engine.submit({ ...inbound, delivery });
  if (result.status === 'duplicate') {
    await context.rest.delete(`/channels/${channelId}/messages/${status.id}`).catch(() => undefined);
    return 'duplicate';
  }
  return 'queued';
}
