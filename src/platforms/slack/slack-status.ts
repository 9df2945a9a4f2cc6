import type { DeliveryIds, StatusEvent } from '../../core/platform/chat-platform.js';
import type { JobRecord, TurnRecord } from '../../core/records.js';
import { canVary, interruptedMessage, type StatusState, statusMessage, upscaleFor } from './slack-blocks.js';
import { withRateLimitRetry } from './slack-clients.js';
import type { SlackOutbound } from './slack-context.js';
import type { StatusEdits } from './slack-status-edits.js';
import { readSlackTarget, type SlackTarget } from './slack-target.js';

/** The job's status message is not posted yet: its queued event posts it (the root message for `/imagine`). */
export function awaitsSlackStatus(job: JobRecord): boolean {
  return !readSlackTarget(job.delivery).statusTs;
}

/**
 * Each Slack job's status message: posted once — for `/imagine` the conversation's root message in the channel (its
 * ts becomes the thread), for every other job a message in the thread — then edited on each state change. A job
 * whose message cannot be posted where the member asked is cancelled (nothing is generated for it) and the member
 * is told. Failures are told to the member too; an interrupted job gets a thread message with Retry.
 */
export function createSlackStatus(outbound: SlackOutbound, edits: StatusEdits) {
  const { engine } = outbound;
  /** Jobs whose status message could not be posted: the member was told once; later events stay quiet. */
  const unreachable = new Set<string>();
  const retry = () => ({
    retries: outbound.settings.rateLimitRetries,
    maxRetryAfterSeconds: outbound.settings.maxRetryAfterSeconds,
    signal: outbound.tasks.signal,
  });

  function turnActionsOf(turn: TurnRecord) {
    const upscale = upscaleFor(engine.catalogue, turn);
    return { canVary: canVary(engine.catalogue, turn), ...(upscale ? { upscale } : {}) };
  }

  async function messageFor(job: JobRecord, state: StatusState, notices: readonly string[], root: boolean) {
    const turn = await engine.getTurn(job.turnId, job);
    return statusMessage({
      job,
      state,
      defaultModel: engine.defaultModel,
      notices,
      ...(turn ? { turn } : {}),
      ...(root && turn && state.kind === 'done' ? { turnActions: turnActionsOf(turn) } : {}),
    });
  }

  /** Posts the job's status message; resolves to the ids it adds to the job, or undefined when it cannot be posted. */
  async function open(
    job: JobRecord,
    state: StatusState,
    notices: readonly string[] = [],
  ): Promise<DeliveryIds | undefined> {
    const target = readSlackTarget(job.delivery);
    const thread = target.threadTs ?? undefined;
    const message = await messageFor(job, state, notices, !thread);
    let ts: string;
    try {
      const posted = await withRateLimitRetry(
        () =>
          outbound.clients.delivery.chat.postMessage({
            channel: target.channel,
            ...message,
            ...(thread ? { thread_ts: thread } : {}),
          }),
        retry(),
      );
      ts = posted.ts as string;
    } catch (error) {
      unreachable.add(job.id);
      // Nothing can be shown where the member asked: do not spend a generation on it.
      await engine
        .cancel(job.id, { platform: 'slack', workspaceId: job.workspaceId, memberId: job.memberId })
        .catch(() => undefined);
      await outbound.tell(audienceOf(job, target, true), error, { jobId: job.id, step: 'status message' });
      return undefined;
    }
    edits.remember(target.channel, ts, message);
    if (!thread) {
      await engine.updateConversation(job.conversationId, { threadId: ts, rootMessageId: ts });
      return { threadTs: ts, rootTs: ts, statusTs: ts };
    }
    await engine.linkMessage({
      platform: 'slack',
      workspaceId: job.workspaceId,
      channelId: target.channel,
      messageId: ts,
      conversationId: job.conversationId,
      turnId: job.turnId,
    });
    return { statusTs: ts };
  }

  async function show(job: JobRecord, target: SlackTarget, state: StatusState): Promise<void> {
    if (!target.statusTs) return;
    const root = target.rootTs !== undefined && target.rootTs !== null && target.statusTs === target.rootTs;
    await edits.edit(target.channel, target.statusTs, await messageFor(job, state, [], root));
  }

  async function renderStatus(event: StatusEvent): Promise<DeliveryIds | undefined> {
    const { job } = event;
    const target = readSlackTarget(job.delivery);
    const state = stateOf(event);
    if (!target.statusTs) {
      if (event.type === 'cancelled' || unreachable.has(job.id)) return undefined;
      const ids = await open(job, state, event.type === 'queued' ? (event.notices ?? []) : []);
      if (ids) await followUp(event, { ...target, ...ids });
      return ids;
    }
    await show(job, target, state);
    await followUp(event, target);
    return undefined;
  }

  /** What a failure or an interruption says besides the status: a private word, or Retry in the thread. */
  async function followUp(event: StatusEvent, target: SlackTarget): Promise<void> {
    const { job } = event;
    if (event.type === 'failed' || event.type === 'delivery_failed') {
      await outbound.tell(audienceOf(job, target, false), event.error, { jobId: job.id, event: event.type });
    }
    if (event.type !== 'interrupted' || !target.threadTs) return;
    const threadTs = target.threadTs;
    const message = interruptedMessage(job);
    await withRateLimitRetry(
      () => outbound.clients.delivery.chat.postMessage({ channel: target.channel, thread_ts: threadTs, ...message }),
      retry(),
    );
  }

  return { renderStatus, open };
}

export type SlackStatus = ReturnType<typeof createSlackStatus>;

function stateOf(event: StatusEvent): StatusState {
  switch (event.type) {
    case 'queued':
      return { kind: 'queued', position: event.position };
    case 'started':
      return { kind: 'running' };
    case 'succeeded':
      return { kind: 'done' };
    case 'failed':
      return { kind: 'failed', message: event.error.message, retryable: event.error.retryable === true };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'interrupted':
      return { kind: 'interrupted' };
    case 'delivery_failed':
      return { kind: 'delivery_failed', message: event.error.message };
  }
}

/** The member, where their job is; a command's `response_url` only where nothing of the job could be posted. */
function audienceOf(job: JobRecord, target: SlackTarget, viaResponseUrl: boolean) {
  return {
    channel: target.channel,
    user: job.memberId,
    ...(target.threadTs ? { threadTs: target.threadTs } : {}),
    ...(viaResponseUrl && target.responseUrl ? { responseUrl: target.responseUrl } : {}),
  };
}
