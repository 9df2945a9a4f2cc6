import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/core/store.js';
import { createFileBlobStore } from '../../src/store/blob-store.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { blobBytes, blobHash, describeBlobStoreContract, listedHashes } from './blob-store-contract.js';

describeBlobStoreContract('file', async () => {
  const directory = createTempDir('threadpaint-blobs-');
  const images = join(directory.path, 'images');
  return {
    blobs: createFileBlobStore({ directory: images }),
    tamper: async (hash, bytes) => writeFileSync(join(images, hash.slice(0, 2), hash), bytes),
    remove: async () => directory.remove(),
  };
});

describe('file blob store on disk', () => {
  let directory: TempDir;
  let blobs: BlobStore;
  beforeEach(() => {
    directory = createTempDir('threadpaint-blobs-');
    blobs = createFileBlobStore({ directory: join(directory.path, 'images') });
  });
  afterEach(() => directory.remove());

  const filesUnder = (path: string) =>
    readdirSync(path, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(path.length + 1));

  it('keeps each blob in a file named by its hash under a two-digit shard, and no temp files after racing puts', async () => {
    await Promise.all([blobBytes, blobBytes, blobBytes].map((each) => blobs.put(each)));
    const images = join(directory.path, 'images');
    expect(readFileSync(join(images, blobHash.slice(0, 2), blobHash))).toEqual(Buffer.from(blobBytes));
    expect(filesUnder(images)).toEqual([join(blobHash.slice(0, 2), blobHash)]);
  });

  it('lists only complete blobs, skipping temp files and strangers', async () => {
    await blobs.put(blobBytes);
    const shard = join(directory.path, 'images', blobHash.slice(0, 2));
    writeFileSync(join(shard, `${blobHash}.0123456789ab.tmp`), 'half');
    writeFileSync(join(shard, 'README'), 'hello');
    mkdirSync(join(directory.path, 'images', 'tmp'));
    expect(await listedHashes(blobs)).toEqual([blobHash]);
  });
});
