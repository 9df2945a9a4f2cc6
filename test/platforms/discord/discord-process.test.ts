import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/fake-discord.js';
import { createWaitList } from '../../support/wait-list.js';
import { unreadableInteraction } from './discord-captures.js';
import type { LogLine } from './discord-harness.js';

const root = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(root, 'src/bin/threadpaint.ts');
const tsx = import.meta.resolve('tsx');

let fake: FakeDiscord | undefined;
let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  child = fake = dataDir = undefined;
});

describe('threadpaint start with Discord', () => {
  it('keeps running when discord.js throws on an event it cannot read, and serves the next one', async () => {
    fake = await startFakeDiscord();
    dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-discord-process-'));
    const logs = createWaitList<LogLine>((line) => `${line.level} ${line.msg}`);
    // The real command, offline renderer (no IMAGE_API_KEY), against the fake Discord.
    child = spawn(process.execPath, ['--import', tsx, bin, 'start'], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        DISCORD_TOKEN: fake.botToken,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: fake.guildId,
        ALLOW_PRIVATE_DOWNLOADS: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as LogLine);
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    await fake.waitForReady({ timeoutMs: 30_000 });
    // Recovery runs after the platforms connect; a job submitted before it ends would be taken for a leftover.
    await logs.waitFor((entry) => entry.msg === 'threadpaint is up', { timeoutMs: 30_000 });

    const { token, payload } = unreadableInteraction(fake);
    const unreadable = fake.replayInteraction(payload);
    const told = await fake.waitFor((request) => request.path === `/interactions/${unreadable.id}/${token}/callback`);
    expect(told.body).toMatchObject({ type: 4, data: { flags: 64 } });
    const line = await logs.waitFor((entry) => entry['event'] === 'INTERACTION_CREATE', { timeoutMs: 10_000 });
    expect(line.level).toBe(50);

    const sent = fake.interaction({ name: 'imagine', options: { prompt: 'a lighthouse at dusk' } });
    const result = await fake.waitFor(
      (request) => request.method === 'PATCH' && request.path.includes(sent.token) && request.files.length > 0,
      30_000,
    );
    expect(result.status).toBe(200);
    expect(child.exitCode).toBeNull();

    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(fake.violations).toEqual([]);
  }, 90_000);
});
