import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHealthCheck } from '../../src/app/health-check.js';
import { httpRequest } from '../support/http-request.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { appProcessTracker } from './app-process.js';

const connected = { connected: true, detail: 'gateway ready' };
const writable = { checkWritable: async () => {} };

describe('the health check', () => {
  it('is ok when the store takes a write, the data directory has room and every platform is connected', async () => {
    const check = createHealthCheck({
      store: writable,
      dataDir: '/data',
      minFreeBytes: 100_000_000,
      platforms: () => ({ discord: connected }),
      freeBytes: async () => 5_000_000_000,
      facts: () => ({ provider: 'image-api' }),
    });
    expect(await check()).toEqual({
      ok: true,
      store: 'writable',
      disk: '5000 MB free',
      connections: { discord: connected },
      provider: 'image-api',
    });
  });

  it('names every failing part: a store that cannot write, a full disk, a disconnected platform', async () => {
    const check = createHealthCheck({
      store: { checkWritable: async () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')) },
      dataDir: '/data',
      minFreeBytes: 256_000_000,
      platforms: () => ({ discord: connected, slack: { connected: false, detail: 'Socket Mode reconnecting' } }),
      freeBytes: async () => 12_000_000,
    });
    expect(await check()).toMatchObject({
      ok: false,
      failing: ['store', 'disk', 'platform:slack'],
      store: 'SQLITE_FULL: database or disk is full',
      disk: '12 MB free, below DATA_DIR_MIN_FREE_MB=256',
    });
  });

  it('fails a store that does not answer in time instead of hanging /healthz', async () => {
    const check = createHealthCheck({
      store: { checkWritable: () => new Promise(() => {}) },
      dataDir: '/data',
      minFreeBytes: 0,
      platforms: () => ({}),
      freeBytes: async () => 1,
      timeoutMs: 50,
    });
    expect(await check()).toMatchObject({ ok: false, failing: ['store'], store: 'no answer within 50 ms' });
  });

  it('writes to the store at most once per interval however often it is asked', async () => {
    let now = 0;
    const store = { checkWritable: vi.fn(async () => {}) };
    const check = createHealthCheck({
      store,
      dataDir: '/data',
      minFreeBytes: 0,
      platforms: () => ({}),
      freeBytes: async () => 1,
      cacheMs: 2_000,
      now: () => now,
    });
    await Promise.all(Array.from({ length: 50 }, () => check()));
    expect(store.checkWritable).toHaveBeenCalledTimes(1);
    now = 2_000;
    await check();
    expect(store.checkWritable).toHaveBeenCalledTimes(2);
  });
});

describe('/healthz of a running threadpaint', () => {
  const apps = appProcessTracker();
  let dataDir: TempDir;
  let workDir: TempDir;
  afterEach(async () => {
    await apps.stopAll();
    dataDir.remove();
    workDir.remove();
  });

  it('is 503 naming the disk when the data directory has less room than DATA_DIR_MIN_FREE_MB', async () => {
    dataDir = createTempDir('threadpaint-health-data-');
    workDir = createTempDir('threadpaint-health-cwd-');
    // A threshold no disk here meets: the data directory is "full" as far as the bot is concerned.
    const app = apps.start({ DATA_DIR: dataDir.path, PORT: '0', DATA_DIR_MIN_FREE_MB: '999999' }, workDir.path);
    const url = await app.up;
    const answer = await httpRequest(`${url}/healthz`);
    expect(answer.status).toBe(503);
    const report = JSON.parse(answer.body) as Record<string, unknown>;
    expect(report).toMatchObject({ ok: false, failing: ['disk'], store: 'writable' });
    expect(report['disk']).toMatch(/MB free, below DATA_DIR_MIN_FREE_MB=999999$/);
    expect((await httpRequest(`${url}/readyz`)).status).toBe(200);
    expect(await app.stop()).toBe(0);
  }, 60_000);
});
