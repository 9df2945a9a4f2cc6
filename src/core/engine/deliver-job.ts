import { type DeliveryIds, DeliveryIncompleteError } from '../platform/chat-platform.js';
import type { JobRecord } from '../records.js';
import { withTimeout } from '../time-limit.js';
import { UserFacingError } from '../user-facing-error.js';
import type { EngineContext } from './engine-context.js';
import type { DeliveredImage } from './engine-types.js';
import { describeJobError } from './job-errors.js';

/**
 * Delivers a `generated` job from stored bytes: never generates again. Without a platform for it in this process
 * the job stays `generated` and is delivered at the next start. The runner passes the bytes it just stored (no read
 * back); a redelivery reads them from the blob store. The job's status edits so far land first (the result replaces
 * the status message), and the platform gets the job with the ids they stored. The ids the platform answers with —
 * also those of a part posted before it failed — are merged into the job here, the one place they are written. A
 * platform that does not answer within the job timeout leaves the job `delivery_failed` (and its queue slot free).
 */
export async function deliverJob(
  context: EngineContext,
  stored: JobRecord,
  fresh?: readonly DeliveredImage[],
): Promise<JobRecord | undefined> {
  const { store, events, now } = context;
  const platform = context.platforms.get(stored.platform);
  if (!platform) return stored;
  const [turn, conversation] = await Promise.all([
    store.getTurn(stored.turnId),
    store.getConversation(stored.conversationId),
  ]);
  if (!turn || !conversation) {
    return store.updateJob(stored.id, { state: 'delivered', finishedAt: now(), updatedAt: now() });
  }
  events.emit({ type: 'progress', job: stored, phase: 'delivering' });
  await context.status.drained(stored.id, context.settings.statusWaitMs);
  const job = context.status.current(stored);
  try {
    const images =
      fresh ??
      (await Promise.all(turn.outputImages.map(async (ref) => ({ ref, bytes: await context.blobs.get(ref.hash) }))));
    const ids = await withTimeout(
      platform.deliver({ job, turn, conversation, images }),
      context.settings.jobTimeoutMs,
      deliveryTimedOut,
    );
    await keepIds(context, job.id, ids);
    const delivered = await store.updateJob(job.id, { state: 'delivered', finishedAt: now(), updatedAt: now() });
    if (delivered) events.emit({ type: 'succeeded', job: delivered });
    return delivered;
  } catch (caught) {
    const error = caught instanceof DeliveryIncompleteError ? caught.cause : caught;
    if (caught instanceof DeliveryIncompleteError) await keepIds(context, job.id, caught.delivered);
    const { outcome: _outcome, billed: _billed, ...described } = describeJobError(error, context.newReferenceId);
    const jobError = { ...described, retryable: true };
    // A condition the member is told how to resolve (an expired interaction token, a locked thread, a timeout) is a
    // warning; anything else is the operator's error.
    const line = { jobId: job.id, reference: jobError.referenceId, code: jobError.code, err: error };
    if (error instanceof UserFacingError) context.logger.warn(line, 'delivery failed');
    else context.logger.error(line, 'delivery failed');
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

async function keepIds(context: EngineContext, jobId: string, ids: DeliveryIds | undefined): Promise<void> {
  if (!ids || Object.keys(ids).length === 0) return;
  await context.store.mergeJobDelivery(jobId, ids, context.now());
}

/** The platform did not confirm a delivery within the job timeout: the bytes are kept, Post again sends them. */
function deliveryTimedOut(): UserFacingError {
  return new UserFacingError(
    'delivery_timeout',
    'Posting the image took too long. Press the button to post it again; nothing is regenerated.',
  );
}
