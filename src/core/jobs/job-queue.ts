import type { JobRecord } from '../records.js';

/**
 * Decides when jobs run. The in-process queue is the default; jobs are plain records, so a Redis-backed queue
 * (BullMQ, `src/queue/`) implements this too, across processes.
 */
export interface JobQueue {
  /** Adds a persisted, queued job; its 1-based position among waiting jobs (a shared queue may answer later). */
  enqueue(job: JobRecord): number | Promise<number>;
  /** Removes a waiting job; false when it is not waiting (running, or unknown). */
  remove(jobId: string): boolean | Promise<boolean>;
  /** 1-based position among waiting jobs, 0 while running, undefined when unknown (or not known here). */
  position(jobId: string): number | undefined;
  readonly waiting: number;
  readonly running: number;
  /** Stops starting jobs. */
  pause(): void;
  /** Resolves once no job runs in this process. */
  idle(): Promise<void>;
  /**
   * A queue shared by processes: tells whichever process runs `jobId` to abort it (Cancel, Delete). Absent for the
   * in-process queue, where the engine's own abort controllers are the only ones.
   */
  abortElsewhere?(jobId: string): Promise<void>;
  /**
   * A queue shared by processes recovers on its own terms (a starting process must not interrupt what another one
   * runs); absent: the engine's own recovery (running → interrupted, queued and generated back in line).
   */
  recover?(): Promise<{ resumed: number; interrupted: number; redelivered: number }>;
  /** Releases what the queue holds (connections, timers), after `idle`. */
  close?(): Promise<void>;
}

export type JobRunner = (job: JobRecord) => Promise<void>;

/** What the engine gives a queue it makes: how to run a job, read one, abort a local one, interrupt a dead one. */
export interface JobQueueHooks {
  readonly run: JobRunner;
  /** The stored job (the truth); undefined when it is gone. */
  readonly load: (jobId: string) => Promise<JobRecord | undefined>;
  /** Aborts `jobId` if it runs in this process (a Cancel or Delete from another process). */
  readonly abortLocal: (jobId: string) => void;
  /** A job whose process died while it ran: `interrupted`, its member told once (a compare-and-set in the store). */
  readonly interrupt: (jobId: string) => Promise<void>;
}

/** Makes the engine's queue; the engine's default is `createInProcessQueue`. */
export type JobQueueFactory = (hooks: JobQueueHooks) => JobQueue;

export interface InProcessQueueOptions {
  /** Most jobs running at once (`IMAGE_API_CONCURRENCY`). */
  readonly concurrency: number;
  readonly run: JobRunner;
}

/**
 * FIFO with three rules: at most `concurrency` jobs at once; one running job per member (the rest of that
 * member's jobs wait in order); one running job per conversation (so two quick replies chain instead of fork).
 */
export function createInProcessQueue(options: InProcessQueueOptions): JobQueue {
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
