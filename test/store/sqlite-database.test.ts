import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../src/store/sql-database.js';
import { sql } from '../../src/store/sql-statement.js';
import { createSqliteDatabase } from '../../src/store/sqlite-database.js';

const insert = sql('INSERT INTO notes (text) VALUES (@text)');
const all = sql('SELECT text FROM notes ORDER BY rowid');

let database: SqlDatabase;
beforeEach(() => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE notes (text TEXT NOT NULL)');
  database = createSqliteDatabase(db);
});
afterEach(() => database.close());

const texts = async () => (await database.all<{ text: string }>(all)).map((row) => row.text);

describe('SQLite transactions through the shared SQL', () => {
  it('runs transactions started together one after the other, never one inside another', async () => {
    const order: string[] = [];
    const work = (name: string) =>
      database.transaction(async (transaction) => {
        order.push(`${name} begins`);
        await transaction.run(insert, { text: name });
        await Promise.resolve();
        order.push(`${name} ends`);
      });
    await Promise.all([work('a'), work('b'), work('c')]);
    expect(order).toEqual(['a begins', 'a ends', 'b begins', 'b ends', 'c begins', 'c ends']);
    expect(await texts()).toEqual(['a', 'b', 'c']);
  });

  it('keeps a write from outside out of a transaction that rolls back', async () => {
    let outside: Promise<number> | undefined;
    const failing = database.transaction(async (transaction) => {
      await transaction.run(insert, { text: 'rolled back' });
      outside = database.run(insert, { text: 'kept' });
      await Promise.resolve();
      throw new Error('half way');
    });
    await expect(failing).rejects.toThrow('half way');
    expect(await outside).toBe(1);
    expect(await texts()).toEqual(['kept']);
  });

  it('closes only after the transaction in progress has ended', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transaction = database.transaction(async (executor) => {
      await held;
      await executor.run(insert, { text: 'committed' });
    });
    const closed = database.close();
    release();
    await transaction;
    await closed;
  });
});
