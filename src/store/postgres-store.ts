import type { BlobStore, Store } from '../core/store.js';
import { createPostgresBlobStore } from './postgres-blob-store.js';
import { createPostgresDatabase, type PostgresDatabase, postgresDatabaseDefaults } from './postgres-database.js';
import { describePostgresFailure } from './postgres-errors.js';
import { migratePostgres } from './postgres-migrations.js';
import { createSqlStore } from './sql-store.js';
import { storeSchema } from './store-schema.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string;
  /** Created when missing; every table lives in it. */
  readonly schema?: string;
  /** The clock for the timestamps the store adds itself (message links, settings, migrations, blobs). */
  readonly now?: () => number;
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
  /** An idle connection failed (the pool replaces it): for the operator's log. */
  readonly onIdleError?: (error: Error) => void;
}

export const postgresStoreDefaults = {
  schema: 'public',
  now: Date.now,
  ...postgresDatabaseDefaults,
} as const satisfies Required<Omit<PostgresStoreOptions, 'url'>>;

/** The store and the blob store on one pool: closing the store ends both. */
export interface PostgresStorage {
  readonly store: Store;
  readonly blobs: BlobStore;
  readonly database: PostgresDatabase;
}

/**
 * Opens (and migrates) the PostgreSQL store: state and images in `schema`, shared by every process that names it.
 * Rejects with a `StoreUnavailableError` whose message says what to check when the database cannot be reached, the
 * login is refused, or the schema is from a newer threadpaint.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStorage> {
  const settings = { ...postgresStoreDefaults, ...options };
  const database = createPostgresDatabase({
    url: settings.url,
    schema: settings.schema,
    maxConnections: settings.maxConnections,
    connectTimeoutMs: settings.connectTimeoutMs,
    onIdleError: settings.onIdleError,
  });
  try {
    await migratePostgres(database, storeSchema, settings.now);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw describePostgresFailure(error, settings.url, settings.schema);
  }
  return {
    store: createSqlStore(database, settings.now, () => database.close()),
    blobs: createPostgresBlobStore(database, { now: settings.now }),
    database,
  };
}
