import type { JobQueue } from '../jobs/job-queue.js';
import type { ImageRef, JobRecord } from '../records.js';
import { BlobMissingError, type MessageLink } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';
import type { EngineContext } from './engine-context.js';
import type { Requester, Scope } from './engine-types.js';
import { ownedTurn, requireOwnedJob } from './ownership.js';
import { CancelledError } from './run-job.js';

/** Cancel: a waiting job leaves the queue (nothing billed); a running one has its upstream call aborted. */
export async function cancelJob(
  context: EngineContext,
  queue: JobQueue,
  jobId: string,
  requester: Requester,
): Promise<JobRecord> {
  const job = await requireOwnedJob(context, jobId, requester);
  if (job.memberId !== requester.memberId && !requester.isAdmin) {
    throw new UserFacingError('not_allowed', 'Only the member who asked (or an admin) can cancel this.');
  }
  const { store, events, now } = context;
  if (job.state === 'queued' && queue.remove(job.id)) {
    const cancelled = await store.updateJob(
      job.id,
      { state: 'cancelled', finishedAt: now(), updatedAt: now() },
      { ifStateIn: ['queued'] },
    );
    await store.settleUsage(job.id, 'cancelled', 0);
    if (cancelled) {
      events.emit({ type: 'cancelled', job: cancelled });
      return cancelled;
    }
  }
  const controller = context.running.get(job.id);
  if (controller) {
    controller.abort(new CancelledError());
    return job;
  }
  throw new UserFacingError('not_cancellable', 'This has already finished, so there is nothing to cancel.');
}

/** Delete: the turn and its stored images go; resolves to the platform messages to delete (none if it is gone). */
export async function deleteTurn(
  context: EngineContext,
  queue: JobQueue,
  turnId: string,
  requester: Requester,
): Promise<MessageLink[]> {
  const owned = await ownedTurn(context, turnId, requester);
  if (!owned) return [];
  const { turn } = owned;
  if (turn.authorId !== requester.memberId && !requester.isAdmin) {
    throw new UserFacingError('not_allowed', 'Only the member who asked for this image (or an admin) can delete it.');
  }
  const links = await context.store.listMessagesOfTurn(turnId);
  context.running.get(turn.jobId)?.abort(new CancelledError());
  queue.remove(turn.jobId);
  const { orphanedHashes } = await context.store.deleteTurn(turnId);
  await Promise.all(orphanedHashes.map((hash) => context.blobs.delete(hash)));
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
