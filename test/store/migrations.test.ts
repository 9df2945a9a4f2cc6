import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Migration, migrate, SchemaTooNewError, schemaVersion } from '../../src/store/migrations.js';
import { createSqliteStore, sqliteMigrations } from '../../src/store/sqlite-store.js';

let directory: string;
let path: string;
const databases: Database.Database[] = [];

function openRaw(): Database.Database {
  const db = new Database(path);
  databases.push(db);
  return db;
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'threadpaint-migrations-'));
  path = join(directory, 'threadpaint.db');
});

afterEach(() => {
  for (const db of databases.splice(0)) db.close();
  rmSync(directory, { recursive: true, force: true });
});

const notes: readonly Migration[] = [
  { version: 1, name: 'notes', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)' },
  { version: 2, name: 'note authors', up: 'ALTER TABLE notes ADD COLUMN author TEXT' },
];

describe('migrate', () => {
  it('applies every migration in order once and records each version', () => {
    const db = openRaw();
    expect(migrate(db, notes, () => 42)).toEqual({ from: 0, to: 2, applied: [1, 2] });
    expect(db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'notes', applied_at: 42 },
      { version: 2, name: 'note authors', applied_at: 42 },
    ]);
    db.prepare("INSERT INTO notes (text, author) VALUES ('kept', 'U1')").run();

    expect(migrate(db, notes)).toEqual({ from: 2, to: 2, applied: [] });
    expect(db.prepare('SELECT text FROM notes').pluck().all()).toEqual(['kept']);
  });

  it('applies only the new migrations when a database is reopened by a newer version', () => {
    migrate(openRaw(), notes.slice(0, 1));
    const reopened = openRaw();
    expect(migrate(reopened, notes)).toEqual({ from: 1, to: 2, applied: [2] });
    expect(schemaVersion(reopened)).toBe(2);
  });

  it('rolls a failing migration back completely and keeps the previous version', () => {
    const db = openRaw();
    const failing: readonly Migration[] = [
      ...notes,
      { version: 3, name: 'broken', up: 'CREATE TABLE tags (name TEXT); INSERT INTO missing_table VALUES (1);' },
    ];
    expect(() => migrate(db, failing)).toThrow(/no such table: missing_table/);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'tags'").get()).toBeUndefined();
  });

  it('runs function migrations inside the same transaction', () => {
    const db = openRaw();
    const withData: readonly Migration[] = [
      ...notes,
      {
        version: 3,
        name: 'seed a note',
        up: (database) => {
          database.prepare("INSERT INTO notes (text) VALUES ('first')").run();
          throw new Error('half way');
        },
      },
    ];
    expect(() => migrate(db, withData)).toThrow('half way');
    expect(db.prepare('SELECT COUNT(*) FROM notes').pluck().get()).toBe(0);
    expect(schemaVersion(db)).toBe(2);
  });

  it('refuses a database written by a newer threadpaint', () => {
    migrate(openRaw(), notes);
    expect(() => migrate(openRaw(), notes.slice(0, 1))).toThrow(SchemaTooNewError);
    expect(() => migrate(openRaw(), notes.slice(0, 1))).toThrow(/version 2, but this threadpaint knows only up to 1/);
  });

  it('refuses a list with a gap or out of order', () => {
    const gap = [notes[0]!, { ...notes[1]!, version: 3 }];
    expect(() => migrate(openRaw(), gap)).toThrow(/has version 3, expected 2/);
  });
});

describe('createSqliteStore', () => {
  it('migrates a new database file to the latest schema, in WAL mode, and reopens it without migrating again', async () => {
    const latest = sqliteMigrations.at(-1)!.version;
    await createSqliteStore({ path, now: () => 7 }).close();
    await createSqliteStore({ path, now: () => 8 }).close();

    const db = openRaw();
    expect(schemaVersion(db)).toBe(latest);
    expect(db.prepare('SELECT version, applied_at FROM schema_migrations').all()).toEqual(
      sqliteMigrations.map((migration) => ({ version: migration.version, applied_at: 7 })),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('refuses to open a database from a newer threadpaint and says what to do', () => {
    const db = openRaw();
    migrate(db, sqliteMigrations);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'from the future', 0)").run();
    expect(() => createSqliteStore({ path })).toThrow(/upgrade threadpaint/);
  });
});
