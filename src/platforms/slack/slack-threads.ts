import type { JobRecord } from '../../core/records.js';
import { type StatusState, statusMessage } from './slack-blocks.js';
import { withRateLimitRetry } from './slack-clients.js';
import type { SlackContext, SlackTarget } from './slack-context.js';

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** Reads where a job's messages go from the ids stored on it; undefined until it has a thread. */
export function targetOf(job: JobRecord): SlackTarget | undefined {
  const { delivery } = job;
  const channel = text(delivery['channel']);
  const threadTs = text(delivery['threadTs']);
  if (!channel || !threadTs) return undefined;
  const statusTs = text(delivery['statusTs']);
  const rootTs = text(delivery['rootTs']);
  const responseUrl = text(delivery['responseUrl']);
  return {
    channel,
    threadTs,
    ...(statusTs ? { statusTs } : {}),
    ...(rootTs ? { rootTs } : {}),
    ...(responseUrl ? { responseUrl } : {}),
  };
}

function initialState(context: SlackContext, job: JobRecord): StatusState {
  const position = context.engine.position(job.id);
  if (position !== undefined) return { kind: 'queued', position };
  return job.state === 'queued' ? { kind: 'queued', position: 1 } : { kind: 'running' };
}

/**
 * Posts each job's status message once: for `/imagine` the conversation's root message in the channel (its ts
 * becomes the thread), for every other job a message in the thread. Posting happens after the listener returned;
 * the deliverer and the status updater wait for it, and post it themselves after a restart if it never happened.
 */
export function createThreads(context: SlackContext): SlackContext['threads'] {
  const pending = new Map<string, Promise<SlackTarget | undefined>>();
  /** Jobs whose status message could not be posted: the member was told once; later events stay quiet. */
  const unreachable = new Set<string>();

  async function post(job: JobRecord, notices: readonly string[]): Promise<SlackTarget | undefined> {
    const { engine, clients, settings } = context;
    const channel = text(job.delivery['channel']) ?? '';
    const existing = targetOf(job);
    const turn = await engine.getTurn(job.turnId, job);
    const message = statusMessage({
      job,
      state: initialState(context, job),
      defaultModel: context.config.DEFAULT_MODEL,
      notices,
      ...(turn ? { turn } : {}),
    });
    const options = {
      retries: settings.rateLimitRetries,
      maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
      signal: context.tasks.signal,
    };
    try {
      const posted = await withRateLimitRetry(
        () =>
          clients.delivery.chat.postMessage({
            channel,
            ...message,
            ...(existing ? { thread_ts: existing.threadTs } : {}),
          }),
        options,
      );
      const ts = posted.ts as string;
      context.status.remember(channel, ts, message);
      if (!existing) {
        await engine.updateConversation(job.conversationId, { threadId: ts, rootMessageId: ts });
        const updated = await engine.updateDelivery(job.id, { threadTs: ts, rootTs: ts, statusTs: ts });
        return updated ? targetOf(updated) : undefined;
      }
      const updated = await engine.updateDelivery(job.id, { statusTs: ts });
      await engine.linkMessage({
        platform: 'slack',
        workspaceId: job.workspaceId,
        channelId: channel,
        messageId: ts,
        conversationId: job.conversationId,
        turnId: job.turnId,
      });
      return updated ? targetOf(updated) : { ...existing, statusTs: ts };
    } catch (error) {
      unreachable.add(job.id);
      // Nothing can be shown where the member asked: do not spend a generation on it.
      await engine
        .cancel(job.id, { platform: 'slack', workspaceId: job.workspaceId, memberId: job.memberId })
        .catch(() => undefined);
      const responseUrl = text(job.delivery['responseUrl']);
      await context.tell(
        {
          channel,
          user: job.memberId,
          ...(existing ? { threadTs: existing.threadTs } : {}),
          ...(responseUrl ? { responseUrl } : {}),
        },
        error,
        { jobId: job.id, step: 'status message' },
      );
      return undefined;
    }
  }

  return {
    targetOf,
    ensureStatus(job, extra = {}) {
      const known = targetOf(job);
      if (known?.statusTs) return Promise.resolve(known);
      if (unreachable.has(job.id)) return Promise.resolve(undefined);
      const inFlight = pending.get(job.id);
      if (inFlight) return inFlight;
      const promise = (async () => {
        const fresh = (await context.engine.getJob(job.id, job)) ?? job;
        const target = targetOf(fresh);
        return target?.statusTs ? target : post(fresh, extra.notices ?? []);
      })().finally(() => pending.delete(job.id));
      pending.set(job.id, promise);
      return promise;
    },
  };
}
