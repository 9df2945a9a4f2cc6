import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';
import { slashCommand } from '../fakes/fake-slack-payloads.js';
import { createSlackSigner } from '../fakes/fake-slack-signer.js';
import { startHoldingProxy } from '../support/holding-proxy.js';
import { httpRequest } from '../support/http-request.js';
import { seedImagineJob } from '../support/seed-records.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { appProcessTracker } from './app-process.js';

const apps = appProcessTracker();
let dataDir: TempDir;
let workDir: TempDir;
const closers: Array<() => Promise<unknown>> = [];

beforeEach(() => {
  dataDir = createTempDir('threadpaint-app-data-');
  workDir = createTempDir('threadpaint-app-cwd-');
});
afterEach(async () => {
  await apps.stopAll();
  await Promise.all(closers.splice(0).map((close) => close()));
  dataDir.remove();
  workDir.remove();
});

const base = () => ({ DATA_DIR: dataDir.path, PORT: '0', LOG_LEVEL: 'info' });
/** What a browser on this machine sends to a server that printed `url` (0.0.0.0 is reached on 127.0.0.1). */
const local = (url: string) => url.replace('//0.0.0.0:', '//127.0.0.1:');
const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(url).origin, ...headers },
    body: JSON.stringify(body),
  });

async function startSlackFake(): Promise<FakeSlack> {
  const slack = await startFakeSlack();
  closers.push(() => slack.close());
  return slack;
}

const slackEnv = (slack: FakeSlack) => ({
  SLACK_BOT_TOKEN: slack.botToken,
  SLACK_SIGNING_SECRET: 'test-signing-secret',
  SLACK_API_URL: slack.apiUrl,
});

describe('threadpaint start: what is served', () => {
  it('serves no playground beside Slack unless PLAYGROUND=true: page and API are 404', async () => {
    const slack = await startSlackFake();
    const app = apps.start({ ...base(), ...slackEnv(slack) }, workDir.path);
    const url = await app.up;

    expect((await httpRequest(`${url}/`)).status).toBe(404);
    expect((await httpRequest(`${url}/api/jobs/anything`)).status).toBe(404);
    expect((await postJson(`${url}/api/submit`, { text: 'a lighthouse' })).status).toBe(404);
    expect((await httpRequest(`${url}/playground.js`)).status).toBe(404);
    const health = JSON.parse((await httpRequest(`${url}/healthz`)).body) as { platforms: string[] };
    expect(health.platforms).toEqual(['slack']);
    expect(app.stdout()).toContain('The playground is off (PLAYGROUND=true turns it on).');
    expect(await app.stop()).toBe(0);
    const store = createSqliteStore({ path: path.join(dataDir.path, 'threadpaint.db') });
    expect(await store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).toEqual([]);
    await store.close();
  }, 60_000);

  it('requires PLAYGROUND_TOKEN off loopback: 401 with nothing done without it, 200 with it', async () => {
    const slack = await startSlackFake();
    const token = 'operator-secret-0123456789';
    const env = { ...base(), ...slackEnv(slack), HOST: '0.0.0.0', PLAYGROUND: 'true' };
    const refused = apps.start(env, workDir.path);
    expect(await refused.exited).toBe(78);
    expect(refused.stderr()).toMatch(/HOST=0\.0\.0\.0 is not a loopback address.*set PLAYGROUND_TOKEN/);

    const app = apps.start({ ...env, PLAYGROUND_TOKEN: token }, workDir.path);
    const url = local(await app.up);
    expect((await httpRequest(`${url}/`)).status).toBe(200);
    const without = await postJson(`${url}/api/submit`, { text: 'a lighthouse' });
    expect(without.status).toBe(401);
    expect((await httpRequest(`${url}/api/jobs/anything`)).status).toBe(401);
    const withToken = await postJson(
      `${url}/api/submit`,
      { text: 'a lighthouse' },
      { authorization: `Bearer ${token}` },
    );
    expect(withToken.status, withToken.body).toBe(200);
    const { jobId } = JSON.parse(withToken.body) as { jobId: string };
    const status = await httpRequest(`${url}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(status.status).toBe(200);
    expect(await app.stop()).toBe(0);
  }, 60_000);
});

/** A gateway in front of the fake image API that holds generations until released. */
async function holdingGateway(target: FakeImageApi) {
  const proxy = await startHoldingProxy(
    target.url,
    (request) => request.url?.startsWith('/v1/images/generations') ?? false,
  );
  closers.push(() => proxy.close());
  return proxy;
}

describe('threadpaint start: one process per DATA_DIR', () => {
  it('refuses a second process on the same DATA_DIR, naming it and the first’s pid; the first job is delivered once', async () => {
    const imageApi = await startFakeImageApi();
    closers.push(() => imageApi.close());
    const gateway = await holdingGateway(imageApi);
    const env = { ...base(), IMAGE_API_URL: gateway.url, IMAGE_API_KEY: 'sk-test', ALLOW_PRIVATE_DOWNLOADS: 'true' };
    const first = apps.start(env, workDir.path);
    const url = await first.up;
    const submitted = await postJson(`${url}/api/submit`, { text: 'a lighthouse held upstream' });
    expect(submitted.status, submitted.body).toBe(200);
    const { jobId } = JSON.parse(submitted.body) as { jobId: string };
    await vi.waitFor(() => expect(gateway.held).toHaveLength(1), { timeout: 10_000 });

    const second = apps.start(env, workDir.path);
    expect(await second.exited).toBe(75);
    expect(second.stderr()).toContain(
      `DATA_DIR=${dataDir.path} is in use by another threadpaint (process ${first.pid} on`,
    );
    expect(second.stdout()).toBe('');

    gateway.release();
    await vi.waitFor(
      async () => {
        const status = JSON.parse((await httpRequest(`${url}/api/jobs/${jobId}`)).body) as { state: string };
        expect(status.state).toBe('delivered');
      },
      { timeout: 10_000, interval: 100 },
    );
    const generations = imageApi.requests.filter((request) => request.path === '/v1/images/generations');
    expect(generations).toHaveLength(1);
    expect(await first.stop()).toBe(0);
    expect(first.stdout()).not.toContain('interrupted');
  }, 60_000);

  it('changes no job when it cannot listen: the port is bound before recovery', async () => {
    const seedStore = createSqliteStore({ path: path.join(dataDir.path, 'threadpaint.db') });
    const running = await seedImagineJob(seedStore, { state: 'running', prompt: 'a fox', at: Date.now() });
    await seedStore.close();
    const occupied = createServer();
    occupied.listen(0, '127.0.0.1');
    await once(occupied, 'listening');
    closers.push(() => new Promise((resolve) => occupied.close(resolve)));
    const port = String((occupied.address() as AddressInfo).port);

    const app = apps.start({ ...base(), PORT: port }, workDir.path);
    expect(await app.exited).not.toBe(0);
    expect(app.stderr()).toContain(`PORT=${port} is already in use`);
    const store = createSqliteStore({ path: path.join(dataDir.path, 'threadpaint.db') });
    expect((await store.getJob(running.job.id))?.state).toBe('running');
    await store.close();
  }, 60_000);
});

describe('threadpaint start: stopping', () => {
  it('stops within one deadline on SIGTERM while a delivery hangs: exit 0, the store closed, the job left to deliver again', async () => {
    const slack = await startSlackFake();
    const imageApi = await startFakeImageApi();
    closers.push(() => imageApi.close());
    // Slack takes the upload of the result and never confirms it.
    const slow = await startHoldingProxy(
      slack.url,
      (request) => request.url?.endsWith('/files.completeUploadExternal') ?? false,
    );
    closers.push(() => slow.close());
    const env = {
      ...base(),
      ...slackEnv(slack),
      SLACK_API_URL: `${slow.url}/api/`,
      IMAGE_API_URL: imageApi.url,
      IMAGE_API_KEY: 'sk-test',
      ALLOW_PRIVATE_DOWNLOADS: 'true',
    };
    const app = apps.start(env, workDir.path);
    const url = await app.up;
    const signer = createSlackSigner({ url: `${url}/slack/events`, secret: 'test-signing-secret' });
    expect((await signer.command(slashCommand(slack, { text: 'a lighthouse in fog' }))).status).toBe(200);
    await vi.waitFor(() => expect(slow.held).toHaveLength(1), { timeout: 10_000 });

    const stopping = performance.now();
    expect(await app.stop()).toBe(0);
    expect(performance.now() - stopping).toBeLessThan(12_000);
    expect(app.stdout()).toContain('"msg":"stopped"');
    expect(existsSync(path.join(dataDir.path, 'threadpaint.db-wal'))).toBe(false);
    const store = createSqliteStore({ path: path.join(dataDir.path, 'threadpaint.db') });
    const [job] = await store.listJobsByState(['generated', 'delivered', 'delivery_failed']);
    expect(job?.state).toBe('generated');
    await store.close();
  }, 60_000);
});
