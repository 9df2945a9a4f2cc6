import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredBlob } from '../../src/core/store.js';
import { sha256Hex } from '../../src/store/blob-store.js';
import { createPostgresBlobStore } from '../../src/store/postgres-blob-store.js';
import { openPostgresStore, type PostgresStorage } from '../../src/store/postgres-store.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { blobBytes, blobHash, describeBlobStoreContract, listedHashes } from './blob-store-contract.js';

describeBlobStoreContract('PostgreSQL', async () => {
  const schema = createTestSchema();
  const storage = await openPostgresStore({ url: schema.url, schema: schema.name, maxConnections: 4 });
  return {
    blobs: storage.blobs,
    tamper: async (hash, bytes) => {
      await schema.query('UPDATE image_blobs SET bytes = $2 WHERE hash = $1', [hash, Buffer.from(bytes)]);
    },
    remove: async () => {
      await storage.store.close();
      await schema.drop();
    },
  };
});

describe('PostgreSQL blob store', () => {
  let schema: TestSchema;
  let storage: PostgresStorage;
  let clock = 1_000;
  beforeEach(async () => {
    schema = createTestSchema();
    clock = 1_000;
    storage = await openPostgresStore({ url: schema.url, schema: schema.name, now: () => clock, maxConnections: 4 });
  });
  afterEach(async () => {
    await storage.store.close();
    await schema.drop();
  });

  async function listed(): Promise<StoredBlob[]> {
    const all: StoredBlob[] = [];
    for await (const each of storage.blobs.list()) all.push(each);
    return all;
  }

  it('refreshes when a blob was stored when the same bytes are stored again, keeping one row', async () => {
    await storage.blobs.put(blobBytes);
    clock = 9_000;
    await storage.blobs.put(blobBytes);
    expect(await listed()).toEqual([{ hash: blobHash, storedAt: 9_000 }]);
    expect(await schema.query('SELECT hash FROM image_blobs')).toEqual([{ hash: blobHash }]);
  });

  it('reads back a 12 MB image byte for byte', async () => {
    const large = randomBytes(12 * 1024 * 1024);
    const hash = await storage.blobs.put(large);
    expect(hash).toBe(sha256Hex(large));
    expect(Buffer.from(await storage.blobs.get(hash)).equals(large)).toBe(true);
  });

  it('lists every blob across pages', async () => {
    const paged = createPostgresBlobStore(storage.database, { pageSize: 2 });
    const hashes = await Promise.all(
      ['one', 'two', 'three', 'four', 'five'].map((word) => paged.put(new TextEncoder().encode(word))),
    );
    expect(await listedHashes(paged)).toEqual(hashes.sort());
  });

  it('is seen by every store on the same schema (another process)', async () => {
    const other = await openPostgresStore({ url: schema.url, schema: schema.name, maxConnections: 2 });
    try {
      await storage.blobs.put(blobBytes);
      expect(new Uint8Array(await other.blobs.get(blobHash))).toEqual(blobBytes);
    } finally {
      await other.store.close();
    }
  });
});
