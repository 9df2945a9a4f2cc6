import type { ImageRef, JobRecord } from '../records.js';
import { BlobMissingError, type MessageLink } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';
import type { EngineContext } from './engine-context.js';
import type { Requester, Scope } from './engine-types.js';
import { CancelledError } from './job-endings.js';
import { ownedTurn, requireOwnedJob } from './ownership.js';

/**
 * Cancel: a queued job never runs (nothing billed), whether it waits in this process's queue or is about to start;
 * a running one has its upstream call aborted.
 */
export async function cancelJob(context: EngineContext, jobId: string, requester: Requester): Promise<JobRecord> {
  const job = await requireOwnedJob(context, jobId, requester);
  if (job.memberId !== requester.memberId && !requester.isAdmin) {
    throw new UserFacingError('not_allowed', 'Only the member who asked (or an admin) can cancel this.');
  }
  if (job.state === 'queued') {
    const cancelled = await cancelQueued(context, job);
    if (cancelled) return cancelled;
  }
  const controller = context.running.get(job.id);
  if (controller) {
    controller.abort(new CancelledError());
    return job;
  }
  // Running in another process (a shared queue): that process aborts its upstream call and records the cancel.
  if (job.state === 'running' && context.queue.abortElsewhere) {
    await context.queue.abortElsewhere(job.id);
    return job;
  }
  throw new UserFacingError('not_cancellable', 'This has already finished, so there is nothing to cancel.');
}

/** A job still `queued` in the store becomes `cancelled` there (the store decides a race with its start). */
async function cancelQueued(context: EngineContext, job: JobRecord): Promise<JobRecord | undefined> {
  const { store, now } = context;
  await context.queue.remove(job.id);
  const cancelled = await store.updateJob(
    job.id,
    { state: 'cancelled', finishedAt: now(), updatedAt: now() },
    { ifStateIn: ['queued'] },
  );
  if (!cancelled) return undefined;
  await store.settleUsage(job.id, 'cancelled', 0);
  context.events.emit({ type: 'cancelled', job: cancelled });
  return cancelled;
}

/**
 * Delete: the turn and its stored images go; resolves to the platform messages to delete (none if it is gone). A
 * job of the turn that had not started releases its reservation; a running one is aborted and settles as it ends.
 */
export async function deleteTurn(context: EngineContext, turnId: string, requester: Requester): Promise<MessageLink[]> {
  const owned = await ownedTurn(context, turnId, requester);
  if (!owned) return [];
  const { turn } = owned;
  if (turn.authorId !== requester.memberId && !requester.isAdmin) {
    throw new UserFacingError('not_allowed', 'Only the member who asked for this image (or an admin) can delete it.');
  }
  const { store } = context;
  const links = await store.listMessagesOfTurn(turnId);
  context.running.get(turn.jobId)?.abort(new CancelledError());
  await context.queue.remove(turn.jobId);
  const job = await store.getJob(turn.jobId);
  if (job?.state === 'running' && !context.running.has(job.id)) await context.queue.abortElsewhere?.(job.id);
  const { orphanedHashes } = await store.deleteTurn(turnId);
  // Deleted before it started: it never runs, so nothing settles its reservation but this.
  if (job?.state === 'queued') await store.settleUsage(job.id, 'cancelled', 0);
  await Promise.all(orphanedHashes.map((hash) => context.blobHolds.deleteUnreferenced(hash)));
  return links;
}

/** One output of a turn, with its bytes; undefined when the turn, the output or its file is gone (or not theirs). */
export async function readOutput(
  context: EngineContext,
  turnId: string,
  index: number,
  scope: Scope,
): Promise<{ ref: ImageRef; bytes: Uint8Array } | undefined> {
  const owned = await ownedTurn(context, turnId, scope);
  const ref = owned?.turn.outputImages[index];
  if (!ref) return undefined;
  try {
    return { ref, bytes: await context.blobs.get(ref.hash) };
  } catch (error) {
    if (error instanceof BlobMissingError) return undefined;
    throw error;
  }
}
