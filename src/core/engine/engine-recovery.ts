import type { EngineContext } from './engine-context.js';
import { enqueue } from './engine-submit.js';
import { markInterrupted } from './job-endings.js';

export interface Recovered {
  readonly resumed: number;
  readonly interrupted: number;
  readonly redelivered: number;
}

/**
 * After a restart: a job found `running` died with the last process (interrupted, its member told, Retry offered);
 * `queued` and `generated` jobs go back in line in the order they were made, so a conversation's turns still run
 * and arrive one after another. A `generated` job is only delivered again (its bytes are stored), never generated.
 */
export async function recoverJobs(context: EngineContext): Promise<Recovered> {
  const { store } = context;
  const running = await store.listJobsByState(['running']);
  for (const job of running) await markInterrupted(context, job, job.costUnits);
  const waiting = await store.listJobsByState(['queued', 'generated']);
  for (const job of waiting) {
    if (job.state === 'queued') await enqueue(context, job);
    else await context.queue.enqueue(job);
  }
  const resumed = waiting.filter((job) => job.state === 'queued').length;
  return { resumed, interrupted: running.length, redelivered: waiting.length - resumed };
}
