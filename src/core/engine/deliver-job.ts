import type { JobRecord } from '../records.js';
import type { EngineContext } from './engine-context.js';
import { describeJobError } from './job-errors.js';

/**
 * Delivers a `generated` job from stored bytes: never generates again. Without a deliverer for its platform (the
 * platform is not running in this process) the job stays `generated` and is delivered at the next start.
 */
export async function deliverJob(context: EngineContext, job: JobRecord): Promise<JobRecord | undefined> {
  const { store, events, now } = context;
  const deliverer = context.deliverers.get(job.platform);
  if (!deliverer) return job;
  const [turn, conversation] = await Promise.all([
    store.getTurn(job.turnId),
    store.getConversation(job.conversationId),
  ]);
  if (!turn || !conversation) {
    return store.updateJob(job.id, { state: 'delivered', finishedAt: now(), updatedAt: now() });
  }
  events.emit({ type: 'progress', job, phase: 'delivering' });
  try {
    const images = await Promise.all(
      turn.outputImages.map(async (ref) => ({ ref, bytes: await context.blobs.get(ref.hash) })),
    );
    const ids = await deliverer.deliver({ job, turn, conversation, images });
    // Re-read: the platform may have stored ids on the job while it delivered (a late root message).
    const current = (await store.getJob(job.id)) ?? job;
    const delivered = await store.updateJob(job.id, {
      state: 'delivered',
      finishedAt: now(),
      updatedAt: now(),
      ...(ids ? { delivery: { ...current.delivery, ...stripUndefined(ids) } } : {}),
    });
    if (delivered) events.emit({ type: 'succeeded', job: delivered });
    return delivered;
  } catch (error) {
    const { outcome: _outcome, billed: _billed, ...described } = describeJobError(error, context.newReferenceId);
    const jobError = { ...described, retryable: true };
    context.logger.error({ jobId: job.id, reference: jobError.referenceId, err: error }, 'delivery failed');
    const failed = await store.updateJob(job.id, {
      state: 'delivery_failed',
      finishedAt: now(),
      updatedAt: now(),
      error: jobError,
    });
    if (failed) events.emit({ type: 'delivery_failed', job: failed, error: jobError });
    return failed;
  }
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as never;
}
