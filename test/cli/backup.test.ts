import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appProcessTracker } from '../app/app-process.js';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { httpRequest } from '../support/http-request.js';
import { dataUrlImages, distinctFakeImages } from '../support/image-bytes.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = import.meta.resolve('tsx');
const apps = appProcessTracker();
let work: TempDir;
let imageApi: FakeImageApi;

beforeEach(async () => {
  work = createTempDir('threadpaint-backup-');
  imageApi = await startFakeImageApi({ b64Image: distinctFakeImages() });
});
afterEach(async () => {
  await apps.stopAll();
  await imageApi.close();
  work.remove();
});

const dir = (name: string) => path.join(work.path, name);
const envFor = (dataDir: string) => ({
  DATA_DIR: dataDir,
  PORT: '0',
  IMAGE_API_URL: imageApi.url,
  IMAGE_API_KEY: 'sk-test',
  ALLOW_PRIVATE_DOWNLOADS: 'true',
});

/** `threadpaint backup` in its own process, as an operator runs it beside the bot. */
function backup(dataDir: string, ...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsx, path.join(root, 'src/bin/threadpaint.ts'), 'backup', ...args],
      {
        cwd: work.path,
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', DATA_DIR: dataDir },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The playground's API of a running bot: submit, then wait for the job's final state. */
function playground(url: string) {
  const post = async (body: Record<string, unknown>) => {
    const headers = { 'content-type': 'application/json', origin: url };
    const answer = await httpRequest(`${url}/api/submit`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(answer.status, answer.body).toBe(200);
    return JSON.parse(answer.body) as { jobId: string; conversationId: string; turnId: string };
  };
  const settled = async (jobId: string) => {
    let status: { state: string; error?: string } = { state: 'queued' };
    await vi.waitFor(
      async () => {
        status = JSON.parse((await httpRequest(`${url}/api/jobs/${jobId}`)).body) as typeof status;
        expect(['queued', 'running', 'generated']).not.toContain(status.state);
      },
      { timeout: 15_000, interval: 100 },
    );
    return status;
  };
  const image = async (turnId: string) => (await httpRequest(`${url}/api/turns/${turnId}/images/0`)).bytes;
  return { post, settled, image };
}

describe('threadpaint backup', { timeout: 120_000 }, () => {
  it('copies a running bot’s DATA_DIR; a bot started on the restored copy continues the conversation', async () => {
    const live = dir('live');
    const bot = apps.start(envFor(live), work.path);
    const api = playground(await bot.up);
    const first = await api.post({ text: 'a lighthouse at dusk' });
    expect(await api.settled(first.jobId)).toMatchObject({ state: 'delivered' });
    const firstImage = await api.image(first.turnId);

    const made = await backup(live, dir('backup'));
    expect(made, made.stderr).toMatchObject({ code: 0 });
    expect(made.stdout).toContain(`written to ${dir('backup')}`);
    expect(made.stdout).toMatch(/1 image\b/);
    // The backup took no lock: the bot still holds DATA_DIR, and a second bot there is refused as before.
    const intruder = apps.start(envFor(live), work.path);
    expect(await intruder.exited).toBe(75);
    // A job after the backup is the live bot's alone.
    const later = await api.post({ text: 'a second conversation after the backup' });
    expect(await api.settled(later.jobId)).toMatchObject({ state: 'delivered' });
    expect(await bot.stop()).toBe(0);

    const restored = dir('restored');
    cpSync(dir('backup'), restored, { recursive: true });
    const again = apps.start(envFor(restored), work.path);
    const restoredApi = playground(await again.up);
    expect((await httpRequest(`${await again.up}/api/jobs/${later.jobId}`)).status).toBe(404);
    const requestsBefore = imageApi.requests.length;
    const edit = await restoredApi.post({ conversationId: first.conversationId, text: 'make it stormy' });
    expect(await restoredApi.settled(edit.jobId)).toMatchObject({ state: 'delivered' });
    // The edit sent the first conversation's image, read from the restored copy.
    const sent = imageApi.requests.slice(requestsBefore).flatMap((request) => dataUrlImages(request.body));
    expect(sent.map((bytes) => bytes.equals(firstImage))).toContain(true);
    expect(await again.stop()).toBe(0);
  });

  it('refuses a directory that is not empty, and a DATA_DIR with no database, changing nothing', async () => {
    const taken = dir('taken');
    cpSync(path.join(root, 'package.json'), path.join(taken, 'package.json'));
    const bot = apps.start(envFor(dir('live')), work.path);
    await bot.up;
    const refused = await backup(dir('live'), taken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${taken} already exists and is not empty; a backup never overwrites`);
    expect(readdirSync(taken)).toEqual(['package.json']);
    await bot.stop();

    const empty = await backup(dir('nothing-here'), dir('backup'));
    expect(empty.stderr).toContain(`DATA_DIR=${dir('nothing-here')} has no database (threadpaint.db)`);
    expect(existsSync(dir('backup'))).toBe(false);
    expect(existsSync(dir('nothing-here'))).toBe(false);
    expect((await backup(dir('live'))).stderr).toContain('usage: threadpaint backup <new directory>');
  });

  it('leaves out an image whose bytes are damaged, says which, and exits 1', async () => {
    const live = dir('live');
    const bot = apps.start(envFor(live), work.path);
    const api = playground(await bot.up);
    const job = await api.post({ text: 'a red fox' });
    expect(await api.settled(job.jobId)).toMatchObject({ state: 'delivered' });
    expect(await bot.stop()).toBe(0);
    const images = path.join(live, 'images');
    const [file] = readdirSync(images, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    if (!file) throw new Error('the bot stored no image');
    writeFileSync(path.join(file.parentPath, file.name), 'damaged');

    const made = await backup(live, dir('backup'));
    expect(made.code).toBe(1);
    expect(made.stderr).toContain(
      `1 stored image(s) are damaged (their bytes no longer match their hash) and were left out: ${file.name}`,
    );
    const manifest = JSON.parse(readFileSync(path.join(dir('backup'), 'backup.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ images: 0, corruptImages: [file.name], missingImages: [] });
  });
});
