import type { DeliveryTarget, JobRecord } from '../records.js';
import { deliverJob } from './deliver-job.js';
import type { EngineContext } from './engine-context.js';
import { submitRequest } from './engine-submit.js';
import type { InboundRequest, Requester, Scope, SubmitResult } from './engine-types.js';
import { requireOwnedJob } from './ownership.js';

/**
 * Retry: a failed, interrupted or cancelled job's turn runs again as a new job on the requester's platform. Pressed
 * on an older notice (or twice) it acts on the turn as it is now: its newest job, posted again when only its
 * delivery failed.
 */
export async function retryJob(
  context: EngineContext,
  jobId: string,
  requester: Requester,
  idempotencyKey: string,
  delivery?: DeliveryTarget,
): Promise<SubmitResult> {
  const previous = await currentJobOfTurn(context, await requireOwnedJob(context, jobId, requester));
  if (previous.state === 'delivery_failed') {
    await deliverJob(context, previous);
    return { status: 'duplicate', job: (await context.store.getJob(previous.id)) ?? previous };
  }
  if (!['failed', 'interrupted', 'cancelled'].includes(previous.state)) return { status: 'duplicate', job: previous };
  const inbound: InboundRequest = {
    ...requester,
    idempotencyKey,
    action: previous.action,
    text: previous.input.prompt,
    channelId: '',
    delivery: delivery ?? previous.delivery,
  };
  return submitRequest(context, inbound, previous);
}

/**
 * Delivers a `generated` or `delivery_failed` job again from stored bytes: never generates again. `fresh` ids (a
 * new interaction token the member's press brought) are merged into the job's target first, whatever its state, so
 * a job still being made is delivered through them too.
 */
export async function redeliverJob(
  context: EngineContext,
  jobId: string,
  scope: Scope,
  fresh?: DeliveryTarget,
): Promise<JobRecord | undefined> {
  const owned = await requireOwnedJob(context, jobId, scope);
  const job = fresh ? ((await context.store.mergeJobDelivery(jobId, fresh, context.now())) ?? owned) : owned;
  if (job.state !== 'generated' && job.state !== 'delivery_failed') return job;
  return deliverJob(context, job);
}

/** The turn's newest job (a retry points the turn at its new job). */
async function currentJobOfTurn(context: EngineContext, job: JobRecord): Promise<JobRecord> {
  const turn = await context.store.getTurn(job.turnId);
  if (!turn || turn.jobId === job.id) return job;
  return (await context.store.getJob(turn.jobId)) ?? job;
}
