import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { type BullmqJobQueue, bullmqQueue, type QueueRole } from '../queue/bullmq-queue.js';
import { openJobDispatch } from '../queue/job-dispatch.js';
import { connectRedis } from '../queue/redis-connection.js';
import { describePostgresFailure } from '../store/postgres-errors.js';

/** The process's part in a deployment: `npm start` (everything), `threadpaint gateway`, `threadpaint worker`. */
export type ProcessRole = 'all' | 'gateway' | 'worker';

/** The engine's queue on BullMQ (Redis) with PostgreSQL deciding what may run, and what closes it. */
export interface SharedQueue {
  readonly factory: ReturnType<typeof bullmqQueue>;
  readonly instance: () => BullmqJobQueue | undefined;
  /** Redis answers (for `/healthz`). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Why this configuration cannot run in `role`, as one sentence, or undefined when it can. A gateway and a worker
 * need both URLs; `npm start` runs on Redis only with PostgreSQL (the jobs' truth must be shared too).
 */
export function sharedQueueProblem(config: Config, role: ProcessRole): string | undefined {
  if (role !== 'all' && (!config.REDIS_URL || !config.DATABASE_URL)) {
    const missing = [config.REDIS_URL ? undefined : 'REDIS_URL', config.DATABASE_URL ? undefined : 'DATABASE_URL']
      .filter(Boolean)
      .join(' and ');
    return `threadpaint ${role} runs beside other processes, so it needs REDIS_URL (the queue) and DATABASE_URL (the state): set ${missing}. For one process, use \`npm start\`.`;
  }
  if (config.REDIS_URL && !config.DATABASE_URL)
    return 'REDIS_URL is set without DATABASE_URL: jobs on Redis need their state in PostgreSQL too. Set DATABASE_URL, or unset REDIS_URL to keep SQLite and the in-process queue.';
  return undefined;
}

/** Connects to Redis and opens the dispatch table; rejects with a sentence (`QueueUnavailableError`, `StoreUnavailableError`). */
export async function openSharedQueue(config: Config, role: ProcessRole, logger: Logger): Promise<SharedQueue> {
  const redisUrl = config.REDIS_URL as string;
  const databaseUrl = config.DATABASE_URL as string;
  const redis = await connectRedis(redisUrl);
  let dispatch: Awaited<ReturnType<typeof openJobDispatch>>;
  try {
    dispatch = await openJobDispatch({ url: databaseUrl, schema: config.DATABASE_SCHEMA });
  } catch (error) {
    redis.disconnect();
    throw describePostgresFailure(error, databaseUrl, config.DATABASE_SCHEMA);
  }
  const queueRole: QueueRole = role;
  const factory = bullmqQueue({
    role: queueRole,
    redis,
    dispatch,
    prefix: config.QUEUE_PREFIX,
    globalConcurrency: config.IMAGE_API_CONCURRENCY,
    workerConcurrency: config.WORKER_CONCURRENCY,
    staleRunningMs: config.JOB_TIMEOUT_MS + 60_000,
    reconcileEveryMs: config.QUEUE_RECONCILE_SECONDS * 1_000,
    logger: logger.child({ module: 'queue' }),
  });
  return {
    factory,
    instance: () => factory.instance,
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await factory.instance?.close?.();
      if (!factory.instance) await dispatch.close().catch(() => undefined);
      await redis.quit().catch(() => undefined);
    },
  };
}
