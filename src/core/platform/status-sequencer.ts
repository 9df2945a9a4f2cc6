import type { JobRecord } from '../records.js';
import { waitAtMost } from '../time-limit.js';
import type { DeliveryIds, StatusEvent } from './chat-platform.js';

export interface StatusSequencerOptions {
  /** Renders one event (the platform's `renderStatus`); undefined when no platform of the job's is attached. */
  readonly render: (event: StatusEvent) => Promise<DeliveryIds | undefined> | undefined;
  /** Keeps ids a render returned on the stored job. */
  readonly keep: (jobId: string, ids: DeliveryIds) => Promise<void>;
  readonly onError: (error: unknown, event: StatusEvent) => void;
}

/**
 * The one place status events are put in order: per job, each event is rendered after the one before has finished
 * (a slow "Generating…" edit never lands on top of the result), while jobs never wait for each other. Ids a render
 * returns (a status message it posted) are stored, and every later event of the job carries them, so a platform
 * never reads the store to learn what it posted itself.
 */
export function createStatusSequencer(options: StatusSequencerOptions) {
  const chains = new Map<string, Promise<void>>();
  /**
   * Ids rendered for a job, newer than the job records its later events may carry (an event's record can be read
   * just before a render stored them). Kept until the job's final event is rendered; the oldest go first past a bound.
   */
  const learned = new Map<string, DeliveryIds>();

  const withLearned = (job: JobRecord): JobRecord => {
    const ids = learned.get(job.id);
    return ids ? { ...job, delivery: { ...job.delivery, ...ids } } : job;
  };

  async function run(event: StatusEvent): Promise<void> {
    const current = { ...event, job: withLearned(event.job) } as StatusEvent;
    try {
      const ids = await options.render(current);
      if (ids && Object.keys(ids).length > 0) {
        learned.set(event.job.id, { ...learned.get(event.job.id), ...ids });
        if (learned.size > learnedBound) learned.delete(learned.keys().next().value as string);
        await options.keep(event.job.id, ids);
      }
    } catch (error) {
      options.onError(error, current);
    }
    if (finalEvents.has(event.type)) learned.delete(event.job.id);
  }

  return {
    push(event: StatusEvent): void {
      const id = event.job.id;
      const next = (chains.get(id) ?? Promise.resolve()).then(() => run(event));
      chains.set(id, next);
      void next.then(() => {
        if (chains.get(id) === next) chains.delete(id);
      });
    },
    /** The job as its status messages know it: with the ids renders returned so far. */
    current: withLearned,
    /** Resolves once the job's events so far are rendered, or after `waitMs`, whichever comes first. */
    drained(jobId: string, waitMs: number): Promise<void> {
      const chain = chains.get(jobId);
      return chain ? waitAtMost(chain, waitMs) : Promise.resolve();
    },
    /** Resolves once every job's events so far are rendered, or after `waitMs`. */
    idle(waitMs: number): Promise<void> {
      return waitAtMost(Promise.all(chains.values()), waitMs);
    },
    get pending(): number {
      return chains.size;
    },
  };
}

export type StatusSequencer = ReturnType<typeof createStatusSequencer>;

const finalEvents = new Set<StatusEvent['type']>([
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
  'delivery_failed',
]);
const learnedBound = 10_000;
