import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { appProcessTracker, submitUntilDelivered } from '../app/app-process.js';
import { httpRequest } from '../support/http-request.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { testRedisUrl } from './scale-deployment.js';

const apps = appProcessTracker();
const dirs: TempDir[] = [];
const schemas: TestSchema[] = [];
const prefixes: string[] = [];
const dir = () => {
  const made = createTempDir('threadpaint-scale-start-');
  dirs.push(made);
  return made.path;
};
afterEach(async () => {
  await apps.stopAll();
  const redis = new Redis(testRedisUrl);
  for (const prefix of prefixes.splice(0)) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
  for (const schema of schemas.splice(0)) await schema.drop();
  for (const made of dirs.splice(0)) made.remove();
});

function deploymentEnv(): Record<string, string> {
  const schema = createTestSchema();
  schemas.push(schema);
  const prefix = `tpstart-${process.pid}-${schemas.length}-${Date.now()}`;
  prefixes.push(prefix);
  return {
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dir(),
    DATA_DIR_MIN_FREE_MB: '0',
    DATABASE_URL: schema.url,
    DATABASE_SCHEMA: schema.name,
    REDIS_URL: testRedisUrl,
    QUEUE_PREFIX: prefix,
  };
}

describe('starting a gateway or a worker', () => {
  it('needs both URLs, and says which is missing', async () => {
    const { REDIS_URL: _redis, ...withoutRedis } = deploymentEnv();
    const worker = apps.start(withoutRedis, dir(), 'worker');
    expect(await worker.exited).toBe(78);
    expect(worker.stderr()).toBe(
      'threadpaint: threadpaint worker runs beside other processes, so it needs REDIS_URL (the queue) and DATABASE_URL (the state): set REDIS_URL. For one process, use `npm start`.\n',
    );
    const { DATABASE_URL: _database, ...onlyRedis } = deploymentEnv();
    const start = apps.start(onlyRedis, dir(), 'start');
    expect(await start.exited).toBe(78);
    expect(start.stderr()).toContain('REDIS_URL is set without DATABASE_URL');
  }, 60_000);

  it('stops with one sentence, no password, when Redis cannot be reached or the URL is not one', async () => {
    const unreachable = apps.start(
      { ...deploymentEnv(), REDIS_URL: 'redis://default:hunter2secret@127.0.0.1:1' },
      dir(),
      'gateway',
    );
    expect(await unreachable.exited).toBe(78);
    expect(unreachable.stderr()).toBe(
      'threadpaint: Redis at redis://127.0.0.1:1 refused the connection: is Redis running there, and is REDIS_URL right?\n',
    );
    const wrong = apps.start({ ...deploymentEnv(), REDIS_URL: 'http://hunter2secret@127.0.0.1:6379' }, dir(), 'worker');
    expect(await wrong.exited).toBe(78);
    expect(wrong.stderr()).toContain('REDIS_URL=(hidden): must be a redis:// (or rediss://) URL');
    expect(wrong.stderr()).not.toContain('hunter2secret');
  }, 60_000);

  it('takes no arguments', async () => {
    const { runCli } = await import('../../src/cli/cli.js');
    const errors: string[] = [];
    const code = await runCli(['worker', '--concurrency', '8'], {
      out: () => undefined,
      err: (line) => errors.push(line),
    });
    expect(code).toBe(64);
    expect(errors).toEqual(['threadpaint: threadpaint worker takes no arguments: it reads the environment (.env)']);
  });

  it('serves only /healthz, /readyz and /metrics on a worker, and several share one DATA_DIR', async () => {
    const env = {
      ...deploymentEnv(),
      PLAYGROUND: 'true',
    };
    const [first, second] = [apps.start(env, dir(), 'worker'), apps.start(env, dir(), 'worker')];
    const url = await first.up;
    await second.up;
    const health = JSON.parse((await httpRequest(`${url}/healthz`)).body) as Record<string, unknown>;
    expect(health).toMatchObject({ role: 'worker', redis: 'answering', queue: { running: 0 } });
    expect((await httpRequest(`${url}/readyz`)).status).toBe(200);
    expect((await httpRequest(`${url}/metrics`)).status).toBe(200);
    expect((await httpRequest(`${url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await httpRequest(`${url}/`)).status).toBe(404);
    expect(await first.stop()).toBe(0);
    expect(await second.stop()).toBe(0);
  }, 60_000);
});

describe('npm start with REDIS_URL and DATABASE_URL', () => {
  it('runs jobs in one process on Redis and PostgreSQL', async () => {
    const env = deploymentEnv();
    const app = apps.start(env, dir(), 'start');
    const url = await app.up;
    await submitUntilDelivered(url, 'a lighthouse on Redis', 20_000);
    // It went through the deployment's Redis keys.
    const redis = new Redis(testRedisUrl);
    try {
      expect(await redis.exists(`${env['QUEUE_PREFIX']}:jobs:meta`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    expect(await app.stop()).toBe(0);
  }, 60_000);
});
