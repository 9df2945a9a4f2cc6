import { mkdirSync } from 'node:fs';
import type { Config } from '../config/config.js';
import type { ImageProvider } from '../core/image-provider.js';
import type { JobQueueFactory } from '../core/jobs/job-queue.js';
import { type Logger, newReferenceId } from '../logging/logger.js';
import { openPostgresStore } from '../store/postgres-store.js';
import { type AppEngine, openEngine, openSqliteStorage, type Storage } from './open-engine.js';

export type { AppEngine, Storage } from './open-engine.js';

const day = 24 * 3_600_000;

/**
 * State and images: in PostgreSQL when `DATABASE_URL` is set (every process naming the schema sees them), else
 * SQLite and image files in `DATA_DIR`. Rejects with a `StoreUnavailableError` (one sentence) when PostgreSQL
 * cannot be opened.
 */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  if (!config.DATABASE_URL) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    return openSqliteStorage(config.DATA_DIR);
  }
  const { store, blobs } = await openPostgresStore({
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    onIdleError: (error) => logger.warn({ err: error }, 'a PostgreSQL connection failed; the pool replaces it'),
  });
  return { store, blobs };
}

/**
 * The engine configured from the environment (the catalogue, quotas, limits, retention) over `storage` (from
 * `openStorage`). Without it, SQLite in `DATA_DIR`, which a configuration naming PostgreSQL must not fall back to.
 */
export function createEngine(
  config: Config,
  provider: ImageProvider,
  logger: Logger,
  storage?: Storage,
  queue?: JobQueueFactory,
): AppEngine {
  if (!storage && config.DATABASE_URL) throw new Error('DATABASE_URL is set: open the storage with openStorage first');
  if (!storage) mkdirSync(config.DATA_DIR, { recursive: true });
  return openEngine({
    ...(storage ? { storage } : { dataDir: config.DATA_DIR }),
    provider,
    catalogue: config.catalogue,
    logger: logger.child({ module: 'engine' }),
    newReferenceId,
    ...(queue ? { queue } : {}),
    settings: {
      defaultModel: config.DEFAULT_MODEL,
      concurrency: config.IMAGE_API_CONCURRENCY,
      jobTimeoutMs: config.JOB_TIMEOUT_MS,
      context: config.CONVERSATION_CONTEXT,
      retentionMs: config.RETENTION_DAYS * day,
      quota: {
        memberPerHour: config.QUOTA_MEMBER_PER_HOUR,
        ...(config.QUOTA_MEMBER_PER_DAY !== undefined ? { memberPerDay: config.QUOTA_MEMBER_PER_DAY } : {}),
        ...(config.QUOTA_SERVER_PER_DAY !== undefined ? { serverPerDay: config.QUOTA_SERVER_PER_DAY } : {}),
      },
    },
  });
}
