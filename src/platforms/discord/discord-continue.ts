import type { InboundRequest, Requester } from '../../core/engine/engine-types.js';
import type { InputImage } from '../../core/imagine-request.js';
import type { ConversationRecord, TurnAction } from '../../core/records.js';
import type { DiscordContext } from './discord-context.js';
import { defaultSizeLimit, interactionTokenLifetimeMs, toDelivery, webhookTarget } from './discord-target.js';

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
  /** The member confirmed a cost they were shown (a costly Upscale). */
  readonly confirmed?: boolean;
  /** The interaction that asked (a button, a modal): a refusal after this point reaches the member through it. */
  readonly interaction?: { readonly applicationId: string; readonly token: string };
  /**
   * A user install's conversation: the status and the result are that interaction's deferred public reply, edited
   * through its webhook only (no thread, no bot token).
   */
  readonly webhookOnly?: boolean;
}

/**
 * The next turn of a conversation (a thread reply, Reroll, Variations, a modal Edit). The job is submitted first;
 * its status message is posted where the result will land (the thread) by the job's own queued status, so a
 * refused request leaves nothing behind in the thread.
 */
export async function continueConversation(
  context: DiscordContext,
  request: ContinueRequest,
): Promise<'queued' | 'duplicate'> {
  const { conversation } = request;
  const webhook = request.webhookOnly ? request.interaction : undefined;
  const delivery = toDelivery(
    webhook
      ? webhookTarget(
          conversation.workspaceId,
          conversation.channelId,
          webhook,
          context.now() + interactionTokenLifetimeMs,
          null,
        )
      : {
          kind: 'channel',
          guildId: conversation.workspaceId,
          channelId: request.channelId ?? conversation.threadId ?? conversation.channelId,
          replyTo: request.replyTo ?? null,
          sizeLimit: context.sizeLimits.get(conversation.workspaceId) ?? defaultSizeLimit,
          ...(request.interaction
            ? {
                applicationId: request.interaction.applicationId,
                interactionToken: request.interaction.token,
                tokenExpiresAt: context.now() + interactionTokenLifetimeMs,
              }
            : {}),
        },
  );
  const result = await context.engine.submit({
    ...request.requester,
    idempotencyKey: request.idempotencyKey,
    action: request.action,
    text: request.text,
    attachments: request.attachments,
    channelId: conversation.channelId,
    conversationId: conversation.id,
    ...(request.target ? { target: request.target } : {}),
    ...(request.options ? { options: request.options } : {}),
    ...(request.confirmed ? { confirmed: true } : {}),
    delivery,
  });
  return result.status;
}
