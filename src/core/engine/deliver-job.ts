import { withoutUndefined } from '../defined.js';
import type { DeliveryTarget, JobRecord } from '../records.js';
import { UserFacingError } from '../user-facing-error.js';
import type { EngineContext } from './engine-context.js';
import type { DeliveredImage } from './engine-types.js';
import { describeJobError } from './job-errors.js';

/**
 * Delivers a `generated` job from stored bytes: never generates again. Without a deliverer for its platform (the
 * platform is not running in this process) the job stays `generated` and is delivered at the next start. The runner
 * passes the bytes it just stored (no read back); a redelivery reads them from the blob store. A platform that does
 * not answer within the job timeout leaves the job `delivery_failed` (and its queue slot free).
 */
export async function deliverJob(
  context: EngineContext,
  job: JobRecord,
  fresh?: readonly DeliveredImage[],
): Promise<JobRecord | undefined> {
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
    const images =
      fresh ??
      (await Promise.all(turn.outputImages.map(async (ref) => ({ ref, bytes: await context.blobs.get(ref.hash) }))));
    const ids = await withTimeout(
      deliverer.deliver({ job, turn, conversation, images }),
      context.settings.jobTimeoutMs,
    );
    // Merged, not overwritten: the platform may have stored ids on the job while it delivered (a late root message).
    if (ids) await store.mergeJobDelivery(job.id, withoutUndefined(ids) as DeliveryTarget, now());
    const delivered = await store.updateJob(job.id, { state: 'delivered', finishedAt: now(), updatedAt: now() });
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

/** The platform did not confirm a delivery within the job timeout: the bytes are kept, Post again sends them. */
function deliveryTimedOut(): UserFacingError {
  return new UserFacingError(
    'delivery_timeout',
    'Posting the image took too long. Press the button to post it again; nothing is regenerated.',
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(deliveryTimedOut()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
