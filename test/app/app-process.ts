import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, vi } from 'vitest';
import { httpRequest } from '../support/http-request.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const entry = path.join(repositoryRoot, 'src/bin/threadpaint.ts');
const tsxLoader = pathToFileURL(path.join(repositoryRoot, 'node_modules/tsx/dist/loader.mjs')).href;

/** A `threadpaint start` in its own process, as an operator runs it (from source, through tsx). */
export interface AppProcess {
  readonly pid: number;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the base URL once the process says it is up; rejects if it exits first. */
  readonly up: Promise<string>;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM (a graceful stop), or SIGKILL; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real CLI entry with exactly `env` (plus PATH): no `.env` is read, since the working directory is
 * `cwd`, a directory of the test's own.
 */
export function startAppProcess(
  env: Readonly<Record<string, string>>,
  cwd: string,
  command: 'start' | 'gateway' | 'worker' = 'start',
): AppProcess {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    ['--import', tsxLoader, entry, command],
    { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const up = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const url = /health: (http:\/\/\S+)\/healthz/.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    void exited.then((code) => reject(new Error(`threadpaint exited (${code}) before it was up:\n${stderr}`)));
  });
  up.catch(() => {});
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  return {
    pid: child.pid ?? 0,
    stdout: () => stdout,
    stderr: () => stderr,
    up,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Processes a test started, stopped in afterEach whatever happened. */
export function appProcessTracker() {
  const started = new Set<AppProcess>();
  return {
    start(
      env: Readonly<Record<string, string>>,
      cwd: string,
      command: 'start' | 'gateway' | 'worker' = 'start',
    ): AppProcess {
      const app = startAppProcess(env, cwd, command);
      started.add(app);
      return app;
    },
    async stopAll(): Promise<void> {
      await Promise.all([...started].map((app) => app.stop('SIGKILL')));
      started.clear();
    },
  };
}

/**
 * Submits a prompt to a running app's playground API (no token: a loopback run without one) and waits until the
 * job is delivered; answers its id.
 */
export async function submitUntilDelivered(url: string, text: string, timeout: number): Promise<string> {
  const submitted = await httpRequest(`${url}/api/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ text }),
  });
  expect(submitted.status, submitted.body).toBe(200);
  const { jobId } = JSON.parse(submitted.body) as { jobId: string };
  await vi.waitFor(
    async () => {
      const status = JSON.parse((await httpRequest(`${url}/api/jobs/${jobId}`)).body) as { state: string };
      expect(status.state).toBe('delivered');
    },
    { timeout, interval: 100 },
  );
  return jobId;
}
