import type { JobRecord } from '../records.js';
import { applyChannelRules } from './channel-rules.js';
import type { EngineContext } from './engine-context.js';
import type { InboundRequest } from './engine-types.js';
import { conversationExpired } from './job-errors.js';
import { checkRequesterQuota, type PreparedSubmission } from './submit-job.js';

/**
 * A new job for a failed, interrupted or cancelled job's turn, run for the member who pressed Retry on their own
 * platform (the caller checked that the job is in their scope). Reserves against their quota like a new request.
 */
export async function prepareRetry(
  context: EngineContext,
  previous: JobRecord,
  inbound: InboundRequest,
): Promise<PreparedSubmission> {
  const { store } = context;
  const [turn, conversation] = await Promise.all([
    store.getTurn(previous.turnId),
    store.getConversation(previous.conversationId),
  ]);
  if (!turn || !conversation) throw conversationExpired();
  const server = await store.getServerSettings(inbound.platform, inbound.workspaceId);
  // The rules as they are now: a retry of a turn made before an admin changed them is refused like a new request.
  applyChannelRules(server, {
    channelId: conversation.channelId,
    prompt: turn.parameters?.prompt ?? previous.input.prompt,
    modelId: turn.parameters?.model ?? conversation.model,
  });
  const quota = await checkRequesterQuota(context, inbound, previous.costUnits, server);
  const at = context.now();
  const { error: _error, startedAt: _startedAt, finishedAt: _finishedAt, ...kept } = previous;
  const job: JobRecord = {
    ...kept,
    id: context.newId(),
    platform: inbound.platform,
    workspaceId: inbound.workspaceId,
    memberId: inbound.memberId,
    state: 'queued',
    delivery: inbound.delivery,
    idempotencyKey: inbound.idempotencyKey,
    createdAt: at,
    updatedAt: at,
  };
  const tier = turn.parameters?.tier ?? '1K';
  return { conversation, isNewConversation: false, turn, job, notices: [], tier, quota };
}
