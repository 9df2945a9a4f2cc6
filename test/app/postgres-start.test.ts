import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockPostgresQueue, QueueBusyError } from '../../src/app/postgres-queue-lock.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { appProcessTracker, submitUntilDelivered } from './app-process.js';

const apps = appProcessTracker();
let schema: TestSchema;
const dirs: TempDir[] = [];
const dir = () => {
  const made = createTempDir('threadpaint-pg-app-');
  dirs.push(made);
  return made.path;
};

beforeEach(() => {
  schema = createTestSchema();
});
afterEach(async () => {
  await apps.stopAll();
  for (const made of dirs.splice(0)) made.remove();
  await schema.drop();
});

describe('the queue lock of a PostgreSQL schema', () => {
  it('refuses a second holder with a sentence naming the schema and the holder, and is free once released', async () => {
    const options = { url: schema.url, schema: schema.name };
    const held = await lockPostgresQueue({ ...options, holder: 'process 4242 on bot-host' });
    const error = await lockPostgresQueue(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueBusyError);
    expect((error as Error).message).toBe(
      `DATABASE_SCHEMA=${schema.name} is in use by another threadpaint (process 4242 on bot-host). Without REDIS_URL only one process may run the jobs of a schema: stop that one first, or set DATABASE_SCHEMA to another schema.`,
    );
    const elsewhere = await lockPostgresQueue({ ...options, schema: `${schema.name}_other` });
    await elsewhere.release();
    await held.release();
    await (await lockPostgresQueue(options)).release();
  });

  it('is freed by the death of its connection, and tells its holder once that it was lost', async () => {
    const lost = vi.fn();
    const holder = `doomed ${schema.name}`;
    await lockPostgresQueue({ url: schema.url, schema: schema.name, holder, onLost: lost });
    await schema.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      `threadpaint queue: ${holder}`.slice(0, 63),
    ]);
    await vi.waitFor(() => expect(lost).toHaveBeenCalled());
    await (await lockPostgresQueue({ url: schema.url, schema: schema.name })).release();
    // pg reports the broken connection twice (the server's FATAL, then the closed socket).
    expect(lost).toHaveBeenCalledTimes(1);
  });
});

describe('threadpaint start on PostgreSQL', () => {
  const env = (dataDir: string) => ({
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: schema.url,
    DATABASE_SCHEMA: schema.name,
  });

  it('keeps its jobs in the schema, and a second process on the schema exits naming the first', async () => {
    const app = apps.start(env(dir()), dir());
    const url = await app.up;
    const jobId = await submitUntilDelivered(url, 'a lighthouse kept in PostgreSQL', 15_000);

    const second = apps.start(env(dir()), dir());
    expect(await second.exited).toBe(75);
    expect(second.stderr()).toBe(
      `threadpaint: DATABASE_SCHEMA=${schema.name} is in use by another threadpaint (process ${app.pid} on ${hostname()}). Without REDIS_URL only one process may run the jobs of a schema: stop that one first, or set DATABASE_SCHEMA to another schema.\n`,
    );
    expect(await app.stop()).toBe(0);

    const { store, blobs } = await openPostgresStore({ url: schema.url, schema: schema.name, maxConnections: 2 });
    try {
      const job = await store.getJob(jobId);
      expect(job?.state).toBe('delivered');
      const turn = await store.getTurn(job?.turnId ?? '');
      const output = turn?.outputImages[0];
      expect(output && (await blobs.has(output.hash))).toBe(true);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('stops at start with one sentence when PostgreSQL cannot be reached', async () => {
    const app = apps.start(
      { ...env(dir()), DATABASE_URL: 'postgres://threadpaint:s3cret@127.0.0.1:1/threadpaint' },
      dir(),
    );
    expect(await app.exited).toBe(78);
    expect(app.stderr()).toBe(
      'threadpaint: PostgreSQL at threadpaint@127.0.0.1:1/threadpaint refused the connection: is PostgreSQL running there, and is DATABASE_URL right?\n',
    );
  }, 30_000);
});
