import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobCorruptError, BlobMissingError, type BlobStore, type StoredBlob } from '../../src/core/store.js';
import { createFileBlobStore } from '../../src/store/blob-store.js';

let directory: string;
let blobs: BlobStore;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'threadpaint-blobs-'));
  blobs = createFileBlobStore({ directory: join(directory, 'images') });
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const bytes = new TextEncoder().encode('not really a PNG, but bytes all the same');
const hash = createHash('sha256').update(bytes).digest('hex');

function filesUnder(path: string): string[] {
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(path.length + 1));
}

async function listed(store: BlobStore): Promise<string[]> {
  const hashes: string[] = [];
  for await (const each of store.list()) hashes.push(each.hash);
  return hashes.sort();
}

describe('file blob store', () => {
  it('stores bytes under their sha256 and reads them back', async () => {
    expect(await blobs.put(bytes)).toBe(hash);
    expect(readFileSync(join(directory, 'images', hash.slice(0, 2), hash))).toEqual(Buffer.from(bytes));
    expect(new Uint8Array(await blobs.get(hash))).toEqual(bytes);
    expect(await blobs.has(hash)).toBe(true);
  });

  it('treats a second put of the same bytes as a no-op and leaves no temp files, even when puts race', async () => {
    const other = new TextEncoder().encode('other bytes');
    const hashes = await Promise.all([bytes, bytes, other, bytes, other].map((each) => blobs.put(each)));
    expect(new Set(hashes).size).toBe(2);
    await blobs.put(bytes);

    const otherHash = createHash('sha256').update(other).digest('hex');
    const expected = [hash, otherHash].sort();
    expect(filesUnder(join(directory, 'images')).sort()).toEqual(
      expected.map((each) => join(each.slice(0, 2), each)).sort(),
    );
    expect(await listed(blobs)).toEqual(expected);
  });

  it('says a missing image is missing, with a message for the member', async () => {
    const error = await blobs.get('f'.repeat(64)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobMissingError);
    expect(error).toMatchObject({ code: 'image_missing', hash: 'f'.repeat(64) });
    expect((error as Error).message).toBe(
      'the stored image ffffffffffff… is missing; this conversation may have expired',
    );
    expect(await blobs.has('f'.repeat(64))).toBe(false);
  });

  it('refuses to serve a file whose bytes no longer match its hash', async () => {
    await blobs.put(bytes);
    writeFileSync(join(directory, 'images', hash.slice(0, 2), hash), 'tampered');
    const error = await blobs.get(hash).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobCorruptError);
    expect(error).toMatchObject({ code: 'image_corrupt', hash });
    expect((error as Error).message).toMatch(/^the stored image [0-9a-f]{12}… is corrupt/);
  });

  it('deletes a blob, and deleting a missing one is fine', async () => {
    await blobs.put(bytes);
    await blobs.delete(hash);
    expect(await blobs.has(hash)).toBe(false);
    await expect(blobs.delete(hash)).resolves.toBeUndefined();
    await expect(blobs.get(hash)).rejects.toBeInstanceOf(BlobMissingError);
  });

  it.each([
    ['a path', '../../../etc/passwd'],
    ['a hash with a path suffix', `${'a'.repeat(64)}/../x`],
    ['upper case', 'A'.repeat(64)],
    ['too short', 'a'.repeat(63)],
    ['empty', ''],
  ])('rejects %s as a hash before touching the file system', async (_, bad) => {
    await expect(blobs.get(bad)).rejects.toThrow(TypeError);
    await expect(blobs.has(bad)).rejects.toThrow(/not a blob hash/);
    await expect(blobs.delete(bad)).rejects.toThrow(/not a blob hash/);
  });

  it('lists only complete blobs, skipping temp files and strangers', async () => {
    expect(await listed(blobs)).toEqual([]);
    const before = Date.now();
    await blobs.put(bytes);
    let stored: StoredBlob | undefined;
    for await (const each of blobs.list()) stored = each;
    expect(stored?.storedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(stored?.storedAt).toBeLessThanOrEqual(Date.now() + 1_000);
    const shard = join(directory, 'images', hash.slice(0, 2));
    writeFileSync(join(shard, `${hash}.0123456789ab.tmp`), 'half');
    writeFileSync(join(shard, 'README'), 'hello');
    mkdirSync(join(directory, 'images', 'tmp'));
    expect(await listed(blobs)).toEqual([hash]);
  });
});
