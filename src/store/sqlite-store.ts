import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../core/store.js';
import { type Migration, migrate } from './migrations.js';
import type { SqlDatabase } from './sql-database.js';
import { createSqlStore } from './sql-store.js';
import { createSqliteDatabase } from './sqlite-database.js';
import { storeSchema } from './store-schema.js';

export interface SqliteStoreOptions {
  /** A database file (its directory is created) or `':memory:'`. */
  readonly path: string;
  /** The clock for the timestamps the store adds itself (message links, settings, migrations). */
  readonly now?: () => number;
  /** How long a write waits for another connection's lock before failing. */
  readonly busyTimeoutMs?: number;
  /**
   * How often the WAL is checkpointed into the database file; 0 leaves it to SQLite (every ~1,000 pages written).
   * A checkpoint fsyncs (about 10 ms on a VM disk): run inside a commit, that lands on one job's latency every few
   * dozen jobs; on a timer it costs one pause per interval. SQLite's own checkpoint stays as a backstop at
   * `walAutocheckpointPages`.
   */
  readonly checkpointIntervalMs?: number;
  readonly walAutocheckpointPages?: number;
}

export const sqliteStoreDefaults = {
  now: Date.now,
  busyTimeoutMs: 5_000,
  checkpointIntervalMs: 10_000,
  walAutocheckpointPages: 10_000,
} as const satisfies Required<Omit<SqliteStoreOptions, 'path'>>;

/** The store's schema steps as SQLite runs them. */
export const sqliteMigrations: readonly Migration[] = storeSchema.map((step) => ({
  version: step.version,
  name: step.name,
  up: step.ddl('sqlite'),
}));

/**
 * The default store: one better-sqlite3 connection in WAL mode, schema migrated on open (synchronously, so a
 * database from a newer threadpaint is refused before this returns), the shared statements (`sql-store.ts`)
 * prepared once each.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const { now } = { ...sqliteStoreDefaults, ...options };
  const database = openSqliteDatabase(options);
  return createSqlStore(database, now, () => database.close());
}

/** The migrated database under the store (for copying it elsewhere); closing it stops its checkpoints. */
export function openSqliteDatabase(options: SqliteStoreOptions): SqlDatabase {
  const { now, busyTimeoutMs, checkpointIntervalMs, walAutocheckpointPages } = { ...sqliteStoreDefaults, ...options };
  const memory = options.path === ':memory:' || options.path === '';
  if (!memory) mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path, { timeout: busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (checkpointIntervalMs > 0) db.pragma(`wal_autocheckpoint = ${Math.trunc(walAutocheckpointPages)}`);
    migrate(db, sqliteMigrations, now);
  } catch (error) {
    db.close();
    throw error;
  }
  const checkpoints = memory || checkpointIntervalMs <= 0 ? undefined : startCheckpoints(db, checkpointIntervalMs);
  return createSqliteDatabase(db, () => {
    clearInterval(checkpoints);
    db.pragma('optimize');
  });
}

function startCheckpoints(db: Database.Database, intervalMs: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A checkpoint that cannot run now (locked by another process) runs next time, or SQLite's backstop does.
    }
  }, intervalMs);
  timer.unref();
  return timer;
}
