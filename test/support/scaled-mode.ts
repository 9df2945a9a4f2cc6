import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { openStorage } from '../../src/app/create-engine.js';
import type { Storage } from '../../src/app/open-engine.js';
import { openSharedQueue } from '../../src/app/shared-queue.js';
import { loadConfig } from '../../src/config/config.js';
import type { JobQueueFactory } from '../../src/core/jobs/job-queue.js';
import type { Logger } from '../../src/logging/logger.js';
import { testDatabaseUrl } from './postgres-schema.js';

/**
 * `THREADPAINT_TEST_QUEUE=redis` runs the in-process platform harnesses (the Slack bot, the Discord harness) on the scaled deployment's
 * engines: BullMQ on Redis and PostgreSQL, one process doing both halves as `npm start` does with both URLs set.
 * Unset: SQLite and the in-process queue, the default. CI runs the platform suites in both modes.
 */
export const scaledMode = process.env['THREADPAINT_TEST_QUEUE'] === 'redis';
export const testRedisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** The schema and key prefix of a data directory: the same ones again after a restart on it. */
function namesFor(dataDir: string): { schema: string; prefix: string } {
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return { schema: `scaled_${digest}`, prefix: `tpscaled-${digest}` };
}

/** The environment that puts a process on Redis and PostgreSQL, isolated by its data directory. */
export function scaledEnvFor(dataDir: string): Record<string, string> {
  const { schema, prefix } = namesFor(dataDir);
  return { DATABASE_URL: testDatabaseUrl, DATABASE_SCHEMA: schema, REDIS_URL: testRedisUrl, QUEUE_PREFIX: prefix };
}

/** Drops the schema and the Redis keys of a data directory (safe when there are none). */
export async function dropScaledFor(dataDir: string): Promise<void> {
  const { schema, prefix } = namesFor(dataDir);
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
  const redis = new Redis(testRedisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * What an in-process harness needs to run on the scaled engines for a data directory: PostgreSQL storage and the
 * shared queue, opened as `npm start` opens them with both URLs set; `close` closes the queue (the engine closes the
 * store).
 */
export async function openScaledParts(
  dataDir: string,
  logger: Logger,
  env: Readonly<Record<string, string>> = {},
): Promise<{ storage: Storage; queue: JobQueueFactory; close(): Promise<void> }> {
  const config = loadConfig({
    readEnvFile: false,
    cwd: dataDir,
    env: { DATA_DIR: dataDir, ...scaledEnvFor(dataDir), ...env },
  });
  const storage = await openStorage(config, logger);
  const shared = await openSharedQueue(config, 'all', logger);
  return { storage, queue: shared.factory, close: () => shared.close() };
}
