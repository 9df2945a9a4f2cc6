import { execFile } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bullmqQueue } from '../../src/queue/bullmq-queue.js';
import { openJobDispatch } from '../../src/queue/job-dispatch.js';
import { connectRedis } from '../../src/queue/redis-connection.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createEngineHarness, type EngineHarness } from '../support/engine-harness.js';
import { createManualClock } from '../support/manual-clock.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { testRedisUrl } from './scale-deployment.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'src/bin/threadpaint.ts');
const tsx = import.meta.resolve('tsx');

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
    const first = await sqlite.imagineDelivered('a lighthouse at dusk');
    const conversationId = first.turn.conversationId;
    const edited = await sqlite.settle((await sqlite.edit(conversationId, 'make it stormy')).job.id);
    expect(edited.job.state).toBe('delivered');
    await sqlite.close();

    const copied = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', tsx, bin, 'migrate-store'],
        {
          cwd: work.path,
          timeout: 60_000,
          env: {
            PATH: process.env['PATH'] ?? '',
            LOG_LEVEL: 'silent',
            DATA_DIR: dataDir.path,
            DATABASE_URL: schema.url,
            DATABASE_SCHEMA: schema.name,
          },
        },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
    expect(copied).toEqual({ code: 0, stderr: '' });
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
