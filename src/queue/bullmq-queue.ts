import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobQueue, JobQueueFactory, JobQueueHooks } from '../core/jobs/job-queue.js';
import type { JobRecord } from '../core/records.js';
import type { JobDispatch } from './job-dispatch.js';

/** What a process does with the shared queue: take requests (gateway), run jobs (worker), or both (`npm start`). */
export type QueueRole = 'gateway' | 'worker' | 'all';

export interface BullmqQueueOptions {
  readonly role: QueueRole;
  /** A connected Redis (`connectRedis`); the queue duplicates it for BullMQ's blocking and pub/sub connections. */
  readonly redis: Redis;
  readonly dispatch: JobDispatch;
  /** `QUEUE_PREFIX`: every Redis key and channel starts with it. */
  readonly prefix: string;
  /** `IMAGE_API_CONCURRENCY`: upstream calls across every worker (BullMQ's global concurrency). */
  readonly globalConcurrency: number;
  /** `WORKER_CONCURRENCY`: jobs one worker runs at once. */
  readonly workerConcurrency: number;
  /** A running job whose Redis record is gone and that started longer ago than this died with its worker. */
  readonly staleRunningMs: number;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly reconcileEveryMs?: number;
  readonly logger: {
    warn(fields: object, message: string): void;
    error(fields: object, message: string): void;
    info(fields: object, message: string): void;
  };
}

export const queueName = 'jobs';
const stalledMessage = /stalled/i;

/** The queue as the engine sees it, with what the process and the tests need besides. */
export interface BullmqJobQueue extends JobQueue {
  /** Hands over what may run, re-adds what Redis lost, interrupts what died: at start, then every minute. */
  reconcile(): Promise<{ readded: number; interrupted: number }>;
}

/**
 * The `JobQueue` seam on BullMQ, PostgreSQL being the truth: a job row is committed before its BullMQ job exists
 * and the BullMQ job id is the job's id (a re-add is a no-op). Which jobs may run is decided in PostgreSQL
 * (`JobDispatch`: one in flight per member and per conversation, in order); BullMQ spreads them over the workers,
 * at most `globalConcurrency` at once across all of them and `workerConcurrency` per worker. A worker runs a job
 * from its stored record: one that is no longer `queued` (cancelled, interrupted, run already) is skipped, and a
 * `generated` one is only delivered, so a re-added job never runs twice. A worker that dies holds its lock for at
 * most `lockDurationMs`; BullMQ's stalled check (no retry: `maxStalledCount` 0) then has the job marked
 * `interrupted` and its member told once. Cancel reaches the worker running a job over a Redis channel.
 */
export function bullmqQueue(options: BullmqQueueOptions): JobQueueFactory & { readonly instance?: BullmqJobQueue } {
  const made: { instance?: BullmqJobQueue } = {};
  const factory = (hooks: JobQueueHooks): BullmqJobQueue => {
    const queue = createBullmqQueue(options, hooks);
    made.instance = queue;
    return queue;
  };
  return Object.assign(factory, {
    get instance() {
      return made.instance;
    },
  });
}

function createBullmqQueue(options: BullmqQueueOptions, hooks: JobQueueHooks): BullmqJobQueue {
  const { logger, dispatch, prefix } = options;
  const runsJobs = options.role !== 'gateway';
  const cancelChannel = `${prefix}:cancel`;
  const queue = new Queue(queueName, { connection: options.redis.duplicate(), prefix });
  queue.on('error', (error) => logger.warn({ err: error }, 'the job queue lost its Redis connection; it reconnects'));
  const local = new Map<string, JobRecord>();
  let waiting = 0;
  let paused = false;
  let idleWaiters: Array<() => void> = [];
  let releasing: Promise<void> | undefined;
  let releaseAgain = false;

  async function add(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    // Set with every hand-over: a Redis that lost its data (FLUSHALL, a failover) lost this setting too.
    await queue.setGlobalConcurrency(options.globalConcurrency);
    await queue.addBulk(
      jobIds.map((jobId) => ({
        name: 'run',
        data: {},
        opts: { jobId, attempts: 1, removeOnComplete: true, removeOnFail: { count: 1_000 } },
      })),
    );
  }

  /** One release at a time per process; a call during one runs one more after it (nothing is missed). */
  function release(): Promise<void> {
    if (releasing) {
      releaseAgain = true;
      return releasing;
    }
    releasing = (async () => {
      try {
        do {
          releaseAgain = false;
          const result = await dispatch.release();
          waiting = result.waiting;
          await add(result.handedOver);
        } while (releaseAgain);
      } catch (error) {
        // PostgreSQL holds the jobs: the reconciler hands them over when Redis or PostgreSQL answers again.
        logger.warn({ err: error }, 'handing jobs to the queue failed; the reconciler retries');
      } finally {
        releasing = undefined;
      }
    })();
    return releasing;
  }

  let worker: Worker | undefined;
  let subscriber: Redis | undefined;
  let reconcileTimer: NodeJS.Timeout | undefined;
  if (runsJobs) {
    worker = new Worker(
      queueName,
      async (bull: Job) => {
        const job = bull.id ? await hooks.load(bull.id) : undefined;
        if (!job || (job.state !== 'queued' && job.state !== 'generated')) {
          void release();
          return;
        }
        local.set(job.id, job);
        try {
          await hooks.run(job);
        } finally {
          local.delete(job.id);
          if (local.size === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const resolve of waiters) resolve();
          }
          void release();
        }
      },
      {
        connection: options.redis.duplicate(),
        prefix,
        concurrency: options.workerConcurrency,
        lockDuration: options.lockDurationMs ?? 15_000,
        stalledInterval: options.stalledIntervalMs ?? 15_000,
        maxStalledCount: 0,
        autorun: false,
      },
    );
    worker.on('error', (error) => logger.warn({ err: error }, 'the worker lost its Redis connection; it reconnects'));
    const interrupt = (jobId: string) => {
      hooks
        .interrupt(jobId)
        .then(() => release())
        .catch((error: unknown) => logger.error({ err: error, jobId }, 'marking a stalled job interrupted failed'));
    };
    // A worker died holding the job (its lock expired): interrupted, never run again on its own.
    worker.on('stalled', (jobId) => interrupt(jobId));
    worker.on('failed', (bull, error) => {
      if (bull?.id && stalledMessage.test(error.message)) interrupt(bull.id);
    });
    subscriber = options.redis.duplicate();
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel, jobId) => {
      if (channel === cancelChannel) hooks.abortLocal(jobId);
    });
  }

  async function reconcile(): Promise<{ readded: number; interrupted: number }> {
    // Redis may have lost everything (no persistence, a failover, FLUSHALL): its settings too.
    await queue.setGlobalConcurrency(options.globalConcurrency);
    await release();
    let readded = 0;
    for (const jobId of await dispatch.listHandedOver()) {
      const state = await queue.getJobState(jobId);
      if (state === 'unknown') {
        await add([jobId]);
        readded++;
      } else if (state === 'failed' || state === 'completed') {
        // BullMQ finished it while the store says it still waits (a worker stopped between the two): run it again
        // from the store, where its state decides.
        await queue.remove(jobId).catch(() => undefined);
        await add([jobId]);
        readded++;
      }
    }
    let interrupted = 0;
    const now = Date.now();
    for (const running of await dispatch.listRunning()) {
      if (local.has(running.id)) continue;
      const state = await queue.getJobState(running.id);
      const lost = state === 'failed' || (state === 'unknown' && now - running.startedAt > options.staleRunningMs);
      if (!lost) continue;
      await hooks.interrupt(running.id);
      interrupted++;
    }
    if (interrupted > 0) await release();
    return { readded, interrupted };
  }

  return {
    async enqueue(job) {
      // The job is committed: handing it over runs behind the answer (coalesced with other submits), so an
      // acknowledgement never waits for Redis; if it fails, the reconciler hands the job over.
      void release();
      return (await dispatch.position(job.id).catch(() => undefined)) ?? 1;
    },
    async remove(jobId) {
      // The store's compare-and-set decides a cancel; a job already handed over is skipped when it is picked up.
      const removed = await queue.remove(jobId).catch(() => 0);
      return removed === 1;
    },
    position(jobId) {
      return local.has(jobId) ? 0 : undefined;
    },
    get waiting() {
      return waiting;
    },
    get running() {
      return local.size;
    },
    pause() {
      paused = true;
      if (reconcileTimer) clearInterval(reconcileTimer);
      // Takes no new job; the ones running finish (or are interrupted by the engine's shutdown).
      void worker?.pause(true).catch(() => undefined);
    },
    idle() {
      if (local.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async abortElsewhere(jobId) {
      await options.redis.publish(cancelChannel, jobId);
    },
    async recover() {
      let result = { readded: 0, interrupted: 0 };
      if (runsJobs && worker && subscriber) {
        await subscriber.subscribe(cancelChannel);
        result = await reconcile();
        if (!paused) {
          void worker.run().catch((error: unknown) => logger.error({ err: error }, 'the worker stopped'));
          reconcileTimer = setInterval(() => {
            reconcile().catch((error: unknown) => logger.warn({ err: error }, 'reconciling the queue failed'));
          }, options.reconcileEveryMs ?? 60_000);
          reconcileTimer.unref();
        }
      } else {
        await queue.setGlobalConcurrency(options.globalConcurrency);
        await release();
      }
      return { resumed: result.readded, interrupted: result.interrupted, redelivered: 0 };
    },
    reconcile,
    async close() {
      paused = true;
      if (reconcileTimer) clearInterval(reconcileTimer);
      await releasing;
      await worker?.close(true).catch(() => undefined);
      await subscriber?.quit().catch(() => undefined);
      await queue.close().catch(() => undefined);
      await dispatch.close().catch(() => undefined);
    },
  };
}
