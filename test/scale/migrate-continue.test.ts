import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bullmqQueue } from '../../src/queue/bullmq-queue.js';
import { openJobDispatch } from '../../src/queue/job-dispatch.js';
import { connectRedis } from '../../src/queue/redis-connection.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { deliverAndEdit, runMigrateStore } from '../cli/migrate-store-run.js';
import { createEngineHarness, type EngineHarness } from '../support/engine-harness.js';
import { createManualClock } from '../support/manual-clock.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { testRedisUrl } from './scale-deployment.js';

let dataDir: TempDir;
let work: TempDir;
let schema: TestSchema;
const prefix = `tpmigrate-${process.pid}`;
const harnesses: EngineHarness[] = [];
const redis = new Redis(testRedisUrl);

afterAll(() => redis.disconnect());
beforeEach(() => {
  dataDir = createTempDir('threadpaint-scale-migrate-data-');
  work = createTempDir('threadpaint-scale-migrate-cwd-');
  schema = createTestSchema();
});
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  dataDir.remove();
  work.remove();
  await schema.drop();
});

describe('moving a DATA_DIR onto the scaled deployment', { timeout: 120_000 }, () => {
  it('carries it over with migrate-store, and its conversation continues on BullMQ and PostgreSQL', async () => {
    const sqlite = createEngineHarness({ dataDir: dataDir.path });
    harnesses.push(sqlite);
    const { conversationId, edited } = await deliverAndEdit(sqlite);
    await sqlite.close();

    const copied = await runMigrateStore({
      cwd: work.path,
      dataDir: dataDir.path,
      databaseUrl: schema.url,
      schema: schema.name,
    });
    expect({ code: copied.code, stderr: copied.stderr }).toEqual({ code: 0, stderr: '' });
    dataDir.remove();

    // A process of the scaled deployment (gateway and worker in one) on the migrated schema.
    const storage = await openPostgresStore({ url: schema.url, schema: schema.name, maxConnections: 4 });
    const queue = bullmqQueue({
      role: 'all',
      redis: await connectRedis(testRedisUrl),
      dispatch: await openJobDispatch({ url: schema.url, schema: schema.name }),
      prefix,
      globalConcurrency: 2,
      workerConcurrency: 2,
      staleRunningMs: 660_000,
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    });
    const scaled = createEngineHarness({ storage, queue, clock: createManualClock(sqlite.clock.now() + 60_000) });
    harnesses.push(scaled);
    await scaled.engine.start();
    const { job } = await scaled.edit(conversationId, 'now at night');
    const continued = await scaled.settle(job.id, 20_000);
    expect(continued.job.state).toBe('delivered');
    expect(continued.turn.parentTurnId).toBe(edited.turn.id);
    expect(continued.turn.inputImages.map((image) => image.hash)).toEqual(
      edited.turn.outputImages.slice(0, 1).map((image) => image.hash),
    );
    // It went through BullMQ: the job was handed over under the deployment's prefix.
    expect(await redis.exists(`${prefix}:jobs:meta`)).toBe(1);
  });
});
