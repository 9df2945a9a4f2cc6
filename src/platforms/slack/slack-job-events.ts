import type { JobEvent } from '../../core/jobs/job-events.js';
import { type UserFacingCode, UserFacingError } from '../../core/user-facing-error.js';
import { interruptedMessage } from './slack-blocks.js';
import { withRateLimitRetry } from './slack-clients.js';
import type { SlackContext } from './slack-context.js';

/**
 * Follows the engine's job events for Slack jobs: each state change edits the job's status message once, in
 * order per job. Failures are also told to the member; interrupted jobs get a thread message with Retry.
 */
export function followJobEvents(context: SlackContext): () => void {
  const chains = new Map<string, Promise<void>>();

  async function handle(event: JobEvent): Promise<void> {
    const { job } = event;
    switch (event.type) {
      case 'started':
        return context.status.show(job, { kind: 'running' });
      case 'succeeded':
        return context.status.show(job, { kind: 'done' });
      case 'cancelled':
        return context.status.show(job, { kind: 'cancelled' });
      case 'failed': {
        await context.status.show(job, {
          kind: 'failed',
          message: event.error.message,
          retryable: event.error.retryable === true,
        });
        return tellMember(event, event.error.code, event.error.message);
      }
      case 'delivery_failed': {
        await context.status.show(job, { kind: 'delivery_failed', message: event.error.message });
        return tellMember(event, event.error.code, event.error.message);
      }
      case 'interrupted': {
        await context.status.show(job, { kind: 'interrupted' });
        const target = await context.threads.ensureStatus(job);
        if (!target) return;
        const message = interruptedMessage(job);
        const { settings } = context;
        await withRateLimitRetry(
          () =>
            context.clients.delivery.chat.postMessage({
              channel: target.channel,
              thread_ts: target.threadTs,
              ...message,
            }),
          {
            retries: settings.rateLimitRetries,
            maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
            signal: context.tasks.signal,
          },
        );
        return;
      }
      default:
        return;
    }
  }

  async function tellMember(event: JobEvent, code: string, message: string): Promise<void> {
    const target = context.threads.targetOf((await context.engine.getJob(event.job.id, event.job)) ?? event.job);
    if (!target) return;
    await context.tell(
      { channel: target.channel, user: event.job.memberId, threadTs: target.threadTs },
      new UserFacingError(code as UserFacingCode, message),
      { jobId: event.job.id, event: event.type },
    );
  }

  return context.engine.onEvent((event) => {
    if (event.job.platform !== 'slack') return;
    const id = event.job.id;
    const next = (chains.get(id) ?? Promise.resolve()).then(() => handle(event));
    const settled = next.catch(() => undefined);
    chains.set(id, settled);
    void settled.then(() => {
      if (chains.get(id) === settled) chains.delete(id);
    });
    context.tasks.run(`job ${event.type}`, () => next);
  });
}
