import type { JobRecord } from '../records.js';
import { UserFacingError } from '../user-facing-error.js';
import type { EngineContext } from './engine-context.js';
import type { InboundRequest, Requester, SubmitResult } from './engine-types.js';
import { shuttingDown } from './job-errors.js';
import { ownedJob, resolveContinuation } from './ownership.js';
import { prepareRetry } from './prepare-retry.js';
import { checkRequesterQuota, prepareSubmission } from './submit-job.js';

/**
 * Records a delivery and queues its job: a repeated key is answered as a duplicate before anything is validated
 * again; the key, the records, the usage reservation and the checks that must hold across processes (quota, a
 * pending Reroll of the same turn) are one transaction in the store. `retryOf` runs that job's turn again instead.
 */
export async function submitRequest(
  context: EngineContext,
  inbound: InboundRequest,
  retryOf?: JobRecord,
): Promise<SubmitResult> {
  if (!context.intake.accepting) throw shuttingDown();
  // A retry that arrives after the member reached a quota, or after the conversation expired, is still a duplicate.
  const earlier = await findDuplicate(context, inbound);
  if (earlier) return { status: 'duplicate', job: earlier };
  // Ownership before anything that reads the target.
  const continuation = retryOf ? {} : await resolveContinuation(context, inbound);
  const pendingCheck =
    !retryOf &&
    inbound.target &&
    (inbound.action === 'reroll' || inbound.action === 'variations' || inbound.action === 'upscale');
  if (pendingCheck && inbound.target) {
    // A second press while the first is pending is that press, not a request of its own: answered before the quota
    // is checked (the first press took the units). The store checks again when it writes, across processes.
    const pending = await context.store.findPendingJob(inbound.memberId, inbound.target.turnId, inbound.action);
    if (pending) return { status: 'duplicate', job: pending };
  }
  // The attachments it stores are held until the job that refers to them is written (or refused).
  const lease = context.blobHolds.lease();
  const created = await (async () => {
    const prepared = retryOf
      ? await prepareRetry(context, retryOf, inbound)
      : await prepareSubmission(context, inbound, { continuation, lease });
    const { job } = prepared;
    const result = await context.store.createJobWithKey(inbound.idempotencyKey, {
      ...(prepared.isNewConversation ? { conversation: prepared.conversation } : {}),
      ...(retryOf ? { retryTurnId: prepared.turn.id } : { turn: prepared.turn }),
      ...(prepared.isNewConversation ? {} : { touchConversationId: prepared.conversation.id }),
      job,
      reservation: {
        id: job.id,
        at: job.createdAt,
        platform: job.platform,
        workspaceId: job.workspaceId,
        memberId: job.memberId,
        model: prepared.conversation.model,
        tier: prepared.tier,
        count: job.input.count ?? 1,
        outcome: 'reserved',
        costUnits: job.costUnits,
        jobId: job.id,
      },
      ...(pendingCheck && inbound.target
        ? { unlessPending: { memberId: inbound.memberId, turnId: inbound.target.turnId, action: inbound.action } }
        : {}),
      quota: prepared.quota,
    });
    if (!result.created) {
      // Another request took the last units between the check and the write: refuse with the same sentence.
      if (result.reason === 'quota') throw await quotaRefusal(context, inbound, job.costUnits);
      const existing = await ownedJob(context, result.jobId, inbound);
      if (existing) return { status: 'duplicate', job: existing } as const;
      throw alreadyHandled();
    }
    return { status: 'created', prepared, job } as const;
  })().finally(() => lease.release());
  if (created.status === 'duplicate') return created;
  const { prepared, job } = created;
  const notices = [...prepared.notices, ...(inbound.notices ?? [])];
  const position = await enqueue(context, job, notices);
  return { status: 'queued', ...prepared, notices, position };
}

/** What `submit` would refuse, checked without writing anything (attachments may be placeholders). */
export async function precheckRequest(
  context: EngineContext,
  inbound: InboundRequest,
): Promise<{ readonly notices: readonly string[]; readonly duplicate?: boolean }> {
  if (!context.intake.accepting) throw shuttingDown();
  if (await findDuplicate(context, inbound)) return { notices: [], duplicate: true };
  const prepared = await prepareSubmission(context, inbound, { dryRun: true });
  return { notices: prepared.notices };
}

/** Puts a stored, queued job in line and tells the platforms where it stands. */
export async function enqueue(context: EngineContext, job: JobRecord, notices?: readonly string[]): Promise<number> {
  // The in-process queue answers at once: the `queued` event is emitted before its job can start.
  const placed = context.queue.enqueue(job);
  const position = typeof placed === 'number' ? placed : await placed;
  context.events.emit({ type: 'queued', job, position, ...(notices ? { notices } : {}) });
  return position;
}

/** The job a delivery key already made; a key another scope holds is refused without naming its job. */
async function findDuplicate(context: EngineContext, inbound: InboundRequest): Promise<JobRecord | undefined> {
  const jobId = await context.store.findIdempotencyKey(inbound.idempotencyKey);
  if (!jobId) return undefined;
  const job = await ownedJob(context, jobId, inbound);
  if (!job) throw alreadyHandled();
  return job;
}

/** The sentence of a quota the store found full at the write (it had room when the request was checked). */
async function quotaRefusal(context: EngineContext, requester: Requester, units: number): Promise<Error> {
  const server = await context.store.getServerSettings(requester.platform, requester.workspaceId);
  try {
    await checkRequesterQuota(context, requester, units, server);
  } catch (error) {
    return error as Error;
  }
  return new UserFacingError('quota_exceeded', 'The quota filled up while this request was checked; try again.');
}

/** A delivery key seen before whose job this caller may not see (or that is gone): nothing more is said. */
function alreadyHandled(): UserFacingError {
  return new UserFacingError('duplicate', 'This request was already handled.');
}
