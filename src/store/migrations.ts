import type Database from 'better-sqlite3';

/** One schema step. Versions start at 1 and increase by one; a released migration is never edited, only followed. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL run with `exec`, or a function for steps that need to read data. */
  readonly up: string | ((db: Database.Database) => void);
}

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly number[];
}

/** The database was written by a newer threadpaint: running older code on it could corrupt it. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
    /** What else the operator may point threadpaint at. */
    elsewhere = 'point DATA_DIR at another directory',
  ) {
    super(
      `the database schema is at version ${databaseVersion}, but this threadpaint knows only up to ${knownVersion}; ` +
        `upgrade threadpaint or ${elsewhere}`,
    );
  }
}

const createTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/** The highest applied version (0 for a new database). */
export function schemaVersion(db: Database.Database): number {
  db.exec(createTable);
  const row = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations').get();
  return row?.version ?? 0;
}

/**
 * Applies the pending migrations in order, each in its own transaction together with its row in
 * `schema_migrations`, so a failed step leaves the database at the previous version. Transactions are IMMEDIATE
 * and the version is read inside them: two processes opening one database apply each step once.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[],
  now: () => number = Date.now,
): MigrationResult {
  checkOrder(migrations);
  const known = migrations.at(-1)?.version ?? 0;
  const from = schemaVersion(db);
  if (from > known) throw new SchemaTooNewError(from, known);
  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    const step = db.transaction(() => {
      if (schemaVersion(db) >= migration.version) return;
      if (typeof migration.up === 'string') db.exec(migration.up);
      else migration.up(db);
      record.run(migration.version, migration.name, now());
      applied.push(migration.version);
    });
    step.immediate();
  }
  return { from, to: Math.max(from, known), applied };
}

/** Versions start at 1 and increase by one. */
export function checkOrder(migrations: readonly { readonly version: number; readonly name: string }[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
