import type { JobError, JobRecord, UsageOutcome } from '../records.js';
import { isUserFacingError } from '../user-facing-error.js';
import type { EngineContext } from './engine-context.js';
import { describeJobError } from './job-errors.js';

/** The job ran past `jobTimeoutMs`: its upstream call is aborted with this. */
export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
  constructor() {
    super('job timed out');
  }
}

/** A job that ended without images: cancelled, interrupted, or failed with the member's sentence, and settled. */
export async function failJob(
  context: EngineContext,
  job: JobRecord,
  error: unknown,
  signal: AbortSignal,
  units: number,
) {
  const { store, events, now } = context;
  const reason: unknown = signal.reason;
  if (signal.aborted && reason instanceof CancelledError) {
    const cancelled = await store.updateJob(
      job.id,
      { state: 'cancelled', finishedAt: now(), updatedAt: now() },
      { ifStateIn: ['running'] },
    );
    // The call may already have been sent (and billed): a cancel while running still counts.
    await store.settleUsage(job.id, 'failed', units);
    if (cancelled) events.emit({ type: 'cancelled', job: cancelled });
    return;
  }
  if (signal.aborted && reason instanceof ShutdownError) {
    await markInterrupted(context, job, units);
    return;
  }
  const timedOut = signal.aborted && reason instanceof JobTimeoutError;
  const described: JobError & { outcome: UsageOutcome; billed: boolean } = timedOut
    ? {
        code: 'timeout',
        message: 'This took longer than the time limit, so it was stopped. Please try again.',
        retryable: true,
        outcome: 'timeout',
        billed: true,
      }
    : describeJobError(error, context.newReferenceId);
  if (!isUserFacingError(error) || timedOut) {
    context.logger.warn(
      { jobId: job.id, reference: described.referenceId, code: described.code, err: error },
      'job failed',
    );
  }
  const { outcome, billed, ...jobError } = described;
  const failed = await store.updateJob(
    job.id,
    { state: 'failed', finishedAt: now(), updatedAt: now(), error: jobError },
    { ifStateIn: ['running'] },
  );
  await store.settleUsage(job.id, outcome, billed ? units : 0);
  if (failed) events.emit({ type: 'failed', job: failed, error: jobError });
}

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled by a member');
  }
}

export class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
  constructor() {
    super('the bot is shutting down');
  }
}

/**
 * A running job that will not finish in this process (shutdown, or found `running` after a crash): `interrupted`,
 * offered for Retry, never run again on its own. Its reservation counts, since the call may have been billed.
 */
export async function markInterrupted(context: EngineContext, job: JobRecord, units: number): Promise<void> {
  const { store, events, now } = context;
  const interrupted = await store.updateJob(
    job.id,
    { state: 'interrupted', finishedAt: now(), updatedAt: now(), error: interruptedError },
    { ifStateIn: ['running'] },
  );
  await store.settleUsage(job.id, 'failed', units);
  if (interrupted) events.emit({ type: 'interrupted', job: interrupted });
}

const interruptedError: JobError = {
  code: 'interrupted',
  message:
    'The bot restarted while this image was being made. Nothing was generated twice; press Retry to run it again.',
  retryable: true,
};
