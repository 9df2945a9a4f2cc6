import type { JobRecord } from '../records.js';

/**
 * Decides when jobs run. The in-process queue is the default; jobs are plain records, so a Redis-backed queue
 * (BullMQ) can implement this too.
 */
export interface JobQueue {
  /** Adds a persisted, queued job; resolves to its 1-based position among waiting jobs. */
  enqueue(job: JobRecord): number;
  /** Removes a waiting job; false when it is not waiting (running, or unknown). */
  remove(jobId: string): boolean;
  /** 1-based position among waiting jobs, 0 while running, undefined when unknown. */
  position(jobId: string): number | undefined;
  readonly waiting: number;
  readonly running: number;
  /** Stops starting jobs; resolves once no job is running. */
  pause(): void;
}

export type JobRunner = (job: JobRecord) => Promise<void>;

export interface InProcessQueueOptions {
  /** Most jobs running at once (`IMAGE_API_CONCURRENCY`). */
  readonly concurrency: number;
  readonly run: JobRunner;
}

/**
 * FIFO with three rules: at most `concurrency` jobs at once; one running job per member (the rest of that
 * member's jobs wait in order); one running job per conversation (so two quick replies chain instead of fork).
 */
export function createInProcessQueue(options: InProcessQueueOptions): JobQueue & { idle(): Promise<void> } {
  const waiting: JobRecord[] = [];
  const running = new Map<string, JobRecord>();
  const busyMembers = new Set<string>();
  const busyConversations = new Set<string>();
  let paused = false;
  let idleWaiters: Array<() => void> = [];

  const memberKey = (job: JobRecord) => `${job.platform}:${job.workspaceId}:${job.memberId}`;

  function pump(): void {
    if (paused) return;
    for (let index = 0; index < waiting.length && running.size < options.concurrency; ) {
      const job = waiting[index] as JobRecord;
      if (busyMembers.has(memberKey(job)) || busyConversations.has(job.conversationId)) {
        index++;
        continue;
      }
      waiting.splice(index, 1);
      start(job);
    }
  }

  function start(job: JobRecord): void {
    running.set(job.id, job);
    busyMembers.add(memberKey(job));
    busyConversations.add(job.conversationId);
    void options
      .run(job)
      .catch(() => {
        // The runner reports its own failures; the queue only has to keep going.
      })
      .finally(() => {
        running.delete(job.id);
        busyMembers.delete(memberKey(job));
        busyConversations.delete(job.conversationId);
        if (running.size === 0 && (paused || waiting.length === 0)) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
        pump();
      });
  }

  return {
    enqueue(job) {
      waiting.push(job);
      const position = waiting.length;
      queueMicrotask(pump);
      return position;
    },
    remove(jobId) {
      const index = waiting.findIndex((job) => job.id === jobId);
      if (index === -1) return false;
      waiting.splice(index, 1);
      return true;
    },
    position(jobId) {
      if (running.has(jobId)) return 0;
      const index = waiting.findIndex((job) => job.id === jobId);
      return index === -1 ? undefined : index + 1;
    },
    get waiting() {
      return waiting.length;
    },
    get running() {
      return running.size;
    },
    pause() {
      paused = true;
    },
    idle() {
      if (running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
