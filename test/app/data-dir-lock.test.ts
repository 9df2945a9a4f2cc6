import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from '../../src/app/data-dir-lock.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

let dataDir: TempDir;
beforeEach(() => {
  dataDir = createTempDir('threadpaint-lock-');
});
afterEach(() => dataDir.remove());

const listing = () =>
  readdirSync(dataDir.path)
    .sort()
    .map((name) => `${name} ${statSync(path.join(dataDir.path, name)).mtimeMs}`);

function busyError(attempt: () => unknown): DataDirBusyError {
  try {
    attempt();
  } catch (error) {
    if (error instanceof DataDirBusyError) return error;
    throw error;
  }
  throw new Error('expected the data directory to be busy');
}

describe('one process per DATA_DIR', () => {
  it('refuses a second holder with a sentence naming DATA_DIR and the holder, changing nothing', () => {
    const lock = lockDataDir(dataDir.path, { pid: 4242, host: 'bot-host' });
    const before = listing();
    const error = busyError(() => lockDataDir(dataDir.path, { pid: 5353, host: 'bot-host' }));
    expect(error.message).toBe(
      `DATA_DIR=${dataDir.path} is in use by another threadpaint (process 4242 on bot-host). Only one process may use a data directory: stop that one first, or set DATA_DIR to another directory.`,
    );
    expect(listing()).toEqual(before);
    lock.release();
  });

  it('is free again once released, and forgets who held it', () => {
    lockDataDir(dataDir.path, { pid: 1, host: 'a' }).release();
    expect(readdirSync(dataDir.path)).not.toContain('threadpaint.pid');
    const again = lockDataDir(dataDir.path, { pid: 2, host: 'b' });
    expect(JSON.parse(readFileSync(path.join(dataDir.path, 'threadpaint.pid'), 'utf8'))).toEqual({ pid: 2, host: 'b' });
    again.release();
    again.release();
  });

  it('is not left stuck by a holder killed with SIGKILL', async () => {
    const script = fileURLToPath(new URL('./lock-holder-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir.path], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
        void exited.then(() => reject(new Error('the lock holder exited before it locked')));
      });
      expect(busyError(() => lockDataDir(dataDir.path)).holder?.pid).toBe(child.pid);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // The kernel released the lock with the process; the stale pid file it left says nothing any more.
    const lock = lockDataDir(dataDir.path);
    expect(JSON.parse(readFileSync(path.join(dataDir.path, 'threadpaint.pid'), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});
