import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL every machine runs for the tests (trust auth, database `test`); `TEST_DATABASE_URL` overrides it. */
export const testDatabaseUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  readonly url: string;
  /** A fresh name, not created yet: the store creates it (or `create()` does, to test an existing empty one). */
  readonly name: string;
  create(): Promise<void>;
  /** Runs one statement as the test's own connection (outside any store), in the schema. */
  query<Row extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
  /** Drops the schema with everything in it; safe to call twice. */
  drop(): Promise<void>;
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const client = new pg.Client({
    connectionString: testDatabaseUrl,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `the tests need PostgreSQL at ${testDatabaseUrl} (trust auth, database test): ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A schema of its own for one test, in the shared test database. */
export function createTestSchema(): TestSchema {
  const name = `test_${process.pid}_${randomBytes(5).toString('hex')}`;
  return {
    url: testDatabaseUrl,
    name,
    create: () => withClient(async (client) => void (await client.query(`CREATE SCHEMA "${name}"`))),
    query: (text, values) => withClient(async (client) => (await client.query(text, values)).rows, name),
    drop: () => withClient(async (client) => void (await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`))),
  };
}
