import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackManifest } from '../../commands/slack-manifest.js';
import { formatManifest } from '../../src/platforms/slack/slack-manifest.js';

/**
 * The commands the README gives a newcomer, run as they would run them: `npm start`, `npx threadpaint …` and
 * `npm run manifest:slack`, in the repository, through npm itself. These build `dist/` (the first run after a clone
 * compiles everything), so they share one file and run one after another.
 */
const root = path.resolve(import.meta.dirname, '../..');
const tsx = import.meta.resolve('tsx');
const build = 180_000;
let work: string;
/** Only what npm needs, and an empty env file: a developer's own `.env` (real tokens) is never read here. */
let env: Record<string, string>;
/**
 * Every process this file started or saw below one it started, with its command line: one a test left running is
 * ended by its id, and only while that id is still the same process.
 */
const started = new Map<number, string>();
const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
};

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'threadpaint-entry-'));
  writeFileSync(path.join(work, 'empty.env'), '');
  env = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? work,
    ENV_FILE: path.join(work, 'empty.env'),
    DATA_DIR: path.join(work, 'data'),
    HOST: '127.0.0.1',
  };
});
afterAll(() => {
  // A process a failed test left behind (the orphaned node this file exists to catch) is ended by its own id.
  for (const [pid, command] of started) if (commandLine(pid) === command) process.kill(pid, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

function run(command: string, args: string[], extra: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { cwd: root, env: { ...env, ...extra }, timeout: build }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `pid` and every process below it, from /proc (Linux). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while the list was read.
    }
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) tree.push(...(parents.get(tree[index] as number) ?? []));
  return tree;
}

/** Resolves with the first match of `pattern` in what `child` prints on stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = pattern.exec(seen);
      if (match) {
        child.stdout?.off('data', onData);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${seen}`)));
  });
}

describe('the commands of the README', () => {
  it.runIf(process.platform === 'linux')(
    'npm start: SIGTERM to the npm process stops the whole tree and exits cleanly',
    async () => {
      const child = spawn('npm', ['start'], {
        cwd: root,
        env: { ...env, PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stderr: string[] = [];
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
      const [, url] = await waitForOutput(child, /playground: (http:\/\/[\d.:]+)\//);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const tree = processTree(child.pid as number);
      for (const pid of tree) started.set(pid, commandLine(pid) ?? '');
      // npm and the node it started (a shell between them would not pass the signal on).
      expect(tree.length).toBeGreaterThanOrEqual(2);

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(tree.filter(alive)).toEqual([]);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      expect(stderr.join('')).toBe('');
    },
    build,
  );

  it(
    'npx threadpaint works in a clone: its bin is a tracked file that builds what it runs',
    async () => {
      const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        bin: { threadpaint: string };
      };
      const tracked = await run('git', ['ls-files', '--error-unmatch', manifest.bin.threadpaint]);
      expect(tracked.code, `${manifest.bin.threadpaint} must be committed, not built`).toBe(0);
      const models = await run('npx', ['--no-install', 'threadpaint', 'models']);
      expect(models.stderr).toBe('');
      expect(models.code).toBe(0);
      expect(models.stdout).toMatch(/^gemini-2\.5-flash-image {2}\(default\)/);
    },
    build,
  );

  it(
    'the Slack manifest: npm run writes a file git ignores, npx prints clean JSON',
    async () => {
      const publicUrl = 'https://bot.example.org';
      const expected = formatManifest(slackManifest({ publicUrl, socketMode: false }));

      const bare = await run('npm', ['run', 'manifest:slack']);
      expect(bare.code).toBe(0);
      expect(bare.stdout).not.toContain('{');
      expect(bare.stderr).toContain('npx threadpaint slack-manifest');

      const target = path.join(work, 'manifest.json');
      const written = await run('npm', ['run', 'manifest:slack', '--', '--write', target], { PUBLIC_URL: publicUrl });
      expect(written.code).toBe(0);
      expect(readFileSync(target, 'utf8')).toBe(expected);
      // The default target never dirties the checkout.
      expect((await run('git', ['check-ignore', '-q', 'slack/manifest.json'])).code).toBe(0);
      expect((await run('git', ['ls-files', 'slack/manifest.json'])).stdout).toBe('');

      const printed = await run('npx', ['--no-install', 'threadpaint', 'slack-manifest'], { PUBLIC_URL: publicUrl });
      expect(printed.code).toBe(0);
      expect(printed.stdout).toBe(expected);
    },
    build,
  );

  it('a port in use is one line on stderr, with nothing before it', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const result = await run(
        process.execPath,
        ['--import', tsx, path.join(root, 'src/bin/threadpaint.ts'), 'start'],
        {
          PORT: String(port),
          DATA_DIR: path.join(work, 'data-port'),
        },
      );
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `threadpaint: PORT=${port} is already in use on 127.0.0.1; set PORT to a free port (or 0 for any).\n`,
      );
      expect(result.code).toBe(78);
    } finally {
      holder.close();
    }
  });
});
