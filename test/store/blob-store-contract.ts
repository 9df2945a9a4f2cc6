import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobCorruptError, BlobMissingError, type BlobStore, type StoredBlob } from '../../src/core/store.js';

/** One test's blob store, with a way to damage what it holds (as a torn write or a hand edit would). */
export interface BlobStoreLocation {
  readonly blobs: BlobStore;
  /** Replaces the stored bytes of `hash` behind the store's back. */
  tamper(hash: string, bytes: Uint8Array): Promise<void>;
  remove(): Promise<void>;
}

export const blobBytes = new TextEncoder().encode('not really a PNG, but bytes all the same');
export const blobHash = createHash('sha256').update(blobBytes).digest('hex');

export async function listedHashes(store: BlobStore): Promise<string[]> {
  const hashes: string[] = [];
  for await (const each of store.list()) hashes.push(each.hash);
  return hashes.sort();
}

/** The `BlobStore` contract on the engine `locate` makes stores for. */
export function describeBlobStoreContract(engine: string, locate: () => Promise<BlobStoreLocation>): void {
  describe(`${engine} blob store`, () => {
    let location: BlobStoreLocation;
    let blobs: BlobStore;
    beforeEach(async () => {
      location = await locate();
      blobs = location.blobs;
    });
    afterEach(() => location.remove());

    it('stores bytes under their sha256 and reads them back', async () => {
      expect(await blobs.put(blobBytes)).toBe(blobHash);
      expect(new Uint8Array(await blobs.get(blobHash))).toEqual(blobBytes);
      expect(await blobs.has(blobHash)).toBe(true);
    });

    it('keeps one copy of the same bytes, even when puts race', async () => {
      const other = new TextEncoder().encode('other bytes');
      const hashes = await Promise.all([blobBytes, blobBytes, other, blobBytes, other].map((each) => blobs.put(each)));
      expect(new Set(hashes).size).toBe(2);
      await blobs.put(blobBytes);
      const otherHash = createHash('sha256').update(other).digest('hex');
      expect(await listedHashes(blobs)).toEqual([blobHash, otherHash].sort());
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

    it('refuses to serve bytes that no longer match their hash', async () => {
      await blobs.put(blobBytes);
      await location.tamper(blobHash, new TextEncoder().encode('tampered'));
      const error = await blobs.get(blobHash).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BlobCorruptError);
      expect(error).toMatchObject({ code: 'image_corrupt', hash: blobHash });
      expect((error as Error).message).toMatch(/^the stored image [0-9a-f]{12}… is corrupt/);
    });

    it('deletes a blob, and deleting a missing one is fine', async () => {
      await blobs.put(blobBytes);
      await blobs.delete(blobHash);
      expect(await blobs.has(blobHash)).toBe(false);
      await expect(blobs.delete(blobHash)).resolves.toBeUndefined();
      await expect(blobs.get(blobHash)).rejects.toBeInstanceOf(BlobMissingError);
    });

    it.each([
      ['a path', '../../../etc/passwd'],
      ['a hash with a path suffix', `${'a'.repeat(64)}/../x`],
      ['upper case', 'A'.repeat(64)],
      ['too short', 'a'.repeat(63)],
      ['empty', ''],
    ])('rejects %s as a hash before touching storage', async (_, bad) => {
      await expect(blobs.get(bad)).rejects.toThrow(TypeError);
      await expect(blobs.has(bad)).rejects.toThrow(/not a blob hash/);
      await expect(blobs.delete(bad)).rejects.toThrow(/not a blob hash/);
    });

    it('lists every blob with when it was stored', async () => {
      expect(await listedHashes(blobs)).toEqual([]);
      const before = Date.now();
      await blobs.put(blobBytes);
      const stored: StoredBlob[] = [];
      for await (const each of blobs.list()) stored.push(each);
      expect(stored).toHaveLength(1);
      expect(stored[0]?.hash).toBe(blobHash);
      expect(stored[0]?.storedAt).toBeGreaterThanOrEqual(before - 1_000);
      expect(stored[0]?.storedAt).toBeLessThanOrEqual(Date.now() + 1_000);
    });
  });
}
