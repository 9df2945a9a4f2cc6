import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/postgres-errors.js';
import { openPostgresStore, type PostgresStorage } from '../../src/store/postgres-store.js';
import { storeSchema } from '../../src/store/store-schema.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';

let schema: TestSchema;
const opened: PostgresStorage[] = [];

beforeEach(() => {
  schema = createTestSchema();
});
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.store.close();
  await schema.drop();
});

async function open(now = 7): Promise<PostgresStorage> {
  const storage = await openPostgresStore({ url: schema.url, schema: schema.name, now: () => now, maxConnections: 2 });
  opened.push(storage);
  return storage;
}

const latest = storeSchema.at(-1)?.version;

describe('PostgreSQL migrations', () => {
  it('applies each step once when several processes open a new schema at the same moment', async () => {
    const storages = await Promise.all([1, 2, 3, 4, 5].map((index) => open(index)));
    const rows = await schema.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(storeSchema.map((step) => ({ version: step.version, name: step.name })));
    // Every one of them works on the same tables.
    await Promise.all(
      storages.map((storage, index) =>
        storage.store.setMemberSettings('slack', 'T1', `U${index}`, { quality: 'high' }),
      ),
    );
    expect(await schema.query('SELECT COUNT(*)::int AS count FROM member_settings')).toEqual([{ count: 5 }]);
  });

  it('creates the tables in a schema that already exists, empty', async () => {
    await schema.create();
    await open();
    const tables = await schema.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema.name],
    );
    expect(tables.map((table) => table.table_name)).toEqual([
      'conversations',
      'idempotency_keys',
      'image_blobs',
      'image_refs',
      'jobs',
      'member_settings',
      'message_links',
      'schema_migrations',
      'server_settings',
      'turns',
      'usage',
    ]);
  });

  it('reopens a migrated schema without migrating again', async () => {
    const { store } = await open(7);
    await store.close();
    opened.splice(0);
    await open(8);
    expect(
      await schema.query('SELECT version, applied_at::int AS applied_at FROM schema_migrations ORDER BY version'),
    ).toEqual(storeSchema.map((step) => ({ version: step.version, applied_at: 7 })));
  });

  it('refuses a schema written by a newer threadpaint and says what to do', async () => {
    const { store } = await open();
    await store.close();
    opened.splice(0);
    await schema.query("INSERT INTO schema_migrations VALUES (999, 'from the future', 0)");
    const error = await open().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `schema is at version 999, but this threadpaint knows only up to ${latest}; upgrade threadpaint or set DATABASE_SCHEMA`,
      ),
    );
  });
});

describe('opening a PostgreSQL store that cannot be reached', () => {
  const attempt = (url: string) =>
    openPostgresStore({ url, schema: 'unused', connectTimeoutMs: 2_000 }).catch((caught: unknown) => caught);

  it('says nothing answers at the address, without the password', async () => {
    const error = await attempt('postgres://threadpaint:s3cret@127.0.0.1:1/test');
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe(
      'PostgreSQL at threadpaint@127.0.0.1:1/test refused the connection: is PostgreSQL running there, and is DATABASE_URL right?',
    );
  });

  it('says the database does not exist', async () => {
    const error = await attempt(schema.url.replace(/\/test$/, '/threadpaint_no_such_database'));
    expect((error as Error).message).toMatch(
      /^PostgreSQL at .*\/threadpaint_no_such_database has no such database: create it, or fix the database name in DATABASE_URL$/,
    );
  });
});
