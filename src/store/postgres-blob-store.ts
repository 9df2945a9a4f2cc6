import { BlobCorruptError, BlobMissingError, type BlobStore } from '../core/store.js';
import { requireBlobHash, sha256Hex } from './blob-store.js';
import type { PostgresDatabase } from './postgres-database.js';
import { sql } from './sql-statement.js';

export interface PostgresBlobStoreOptions {
  /** When a blob is stored (or stored again): `list()` reports it. */
  readonly now?: () => number;
  /** Hashes per page of `list()`. */
  readonly pageSize?: number;
}

export const postgresBlobStoreDefaults = {
  now: Date.now,
  pageSize: 500,
} as const satisfies Required<PostgresBlobStoreOptions>;

const insert = sql(
  `INSERT INTO image_blobs (hash, bytes, stored_at) VALUES (@hash, @bytes, @now)
   ON CONFLICT (hash) DO UPDATE SET stored_at = excluded.stored_at`,
);
const exists = sql('SELECT 1 AS found FROM image_blobs WHERE hash = @hash');
const remove = sql('DELETE FROM image_blobs WHERE hash = @hash');
const page = sql('SELECT hash, stored_at FROM image_blobs WHERE hash > @after ORDER BY hash LIMIT @limit');
const selectBytes = sql('SELECT bytes FROM image_blobs WHERE hash = @hash');

/**
 * Images in PostgreSQL (`bytea`), content-addressed by sha256, so every process sharing the database sees them.
 * Storing bytes that are there already keeps one row and refreshes its `stored_at` (as rewriting a file refreshes
 * its mtime): a sweep spares a blob a request in flight has just stored again.
 */
export function createPostgresBlobStore(database: PostgresDatabase, options: PostgresBlobStoreOptions = {}): BlobStore {
  const { now, pageSize } = { ...postgresBlobStoreDefaults, ...options };
  return {
    async put(bytes) {
      const hash = sha256Hex(bytes);
      // One round trip: nearly every put is new bytes (an output), so sending them again for a stored one is rare.
      await database.run(insert, { hash, bytes, now: now() });
      return hash;
    },

    async get(hash) {
      requireBlobHash(hash);
      // Text results (pg decodes bytea's hex): pg 8 reads a binary result as UTF-8 text, which mangles bytes.
      const bytes = (await database.get<{ bytes: Buffer }>(selectBytes, { hash }))?.bytes;
      if (!bytes) throw new BlobMissingError(hash);
      const actual = sha256Hex(bytes);
      if (actual !== hash) throw new BlobCorruptError(hash, actual);
      return bytes;
    },

    async has(hash) {
      return (await database.get(exists, { hash: requireBlobHash(hash) })) !== undefined;
    },

    async delete(hash) {
      await database.run(remove, { hash: requireBlobHash(hash) });
    },

    async *list() {
      let after = '';
      for (;;) {
        const rows = await database.all<{ hash: string; stored_at: number }>(page, { after, limit: pageSize });
        for (const row of rows) yield { hash: row.hash, storedAt: row.stored_at };
        if (rows.length < pageSize) return;
        after = rows.at(-1)?.hash ?? after;
      }
    },
  };
}
