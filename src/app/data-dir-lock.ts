import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/** One process per `DATA_DIR`, held from before recovery until the store is closed. */
export interface DataDirLock {
  readonly dataDir: string;
  /** Gives the directory up (idempotent). A process that dies without it loses the lock all the same. */
  release(): void;
}

/** Who holds a `DATA_DIR`, as it wrote itself down when it took the lock. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
}

export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder ? `process ${holder.pid} on ${holder.host}` : 'a process whose id was not recorded yet';
    super(
      `DATA_DIR=${dataDir} is in use by another threadpaint (${who}). Only one process may use a data directory: stop that one first, or set DATA_DIR to another directory.`,
    );
  }
}

const lockFileName = 'threadpaint.lock';
const holderFileName = 'threadpaint.pid';

/**
 * Takes the data directory for this process, or throws a `DataDirBusyError` naming the holder, having changed
 * nothing. The lock is the operating system's (SQLite's exclusive file lock on `threadpaint.lock`), so the kernel
 * drops it when the holder dies, SIGKILL included, and a lock left behind can never block a restart; it also holds
 * across containers that share the volume. `threadpaint.pid` beside it only says who holds it.
 */
export function lockDataDir(dataDir: string, holder: LockHolder = { pid: process.pid, host: hostname() }): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const database = new Database(path.join(dataDir, lockFileName), { timeout: 0 });
  try {
    database.pragma('locking_mode = EXCLUSIVE');
    // A write takes the exclusive lock, and EXCLUSIVE mode keeps it until the connection closes.
    database.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER, host TEXT); DELETE FROM holder');
    database.prepare('INSERT INTO holder (pid, host) VALUES (?, ?)').run(holder.pid, holder.host);
    database.exec('COMMIT');
  } catch (error) {
    database.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirBusyError(dataDir, readHolder(dataDir));
    throw error;
  }
  const holderFile = path.join(dataDir, holderFileName);
  const temporary = `${holderFile}.${holder.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(holder)}\n`);
  renameSync(temporary, holderFile);
  let held = true;
  return {
    dataDir,
    release() {
      if (!held) return;
      held = false;
      rmSync(holderFile, { force: true });
      database.close();
    },
  };
}

function readHolder(dataDir: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dataDir, holderFileName), 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { pid: parsed.pid, host: parsed.host };
  } catch {
    return undefined;
  }
}
