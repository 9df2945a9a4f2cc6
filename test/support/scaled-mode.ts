import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { testDatabaseUrl } from './postgres-schema.js';

/**
 * `THREADPAINT_TEST_QUEUE=redis` runs the in-process platform harnesses (the Slack bot) on the scaled deployment's
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
