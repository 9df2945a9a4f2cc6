import { createHash, randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobCorruptError, BlobMissingError, type BlobStore, isBlobHash } from '../core/store.js';

export interface FileBlobStoreOptions {
  /** Blobs live at `<directory>/<first two hex digits>/<hash>`. */
  readonly directory: string;
  /**
   * fsync each new file before it is renamed into place. Off by default, like the database's `synchronous =
   * NORMAL`: a power cut may lose the newest blob, and `get` reports a torn one as corrupt rather than serving it.
   */
  readonly fsync?: boolean;
}

export const fileBlobStoreDefaults = { fsync: false } as const satisfies Required<
  Omit<FileBlobStoreOptions, 'directory'>
>;

const shardPattern = /^[0-9a-f]{2}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A blob hash as `BlobStore.put` returns it, or a TypeError: a hash may become a path or a key. */
export function requireBlobHash(hash: string): string {
  if (!isBlobHash(hash)) throw new TypeError(`not a blob hash (64 lowercase hex digits): ${JSON.stringify(hash)}`);
  return hash;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Content-addressed image files; a file appears under its final name only once it is complete (temp + rename). */
export function createFileBlobStore(options: FileBlobStoreOptions): BlobStore {
  const { directory, fsync } = { ...fileBlobStoreDefaults, ...options };

  function pathOf(hash: string): string {
    // The hash becomes a path: anything but 64 lowercase hex digits could walk out of the directory.
    requireBlobHash(hash);
    return join(directory, hash.slice(0, 2), hash);
  }

  /** Blobs up to this size are written synchronously (see writeAtomically). */
  const smallBlobBytes = 256 * 1024;
  /** Shard directories known to exist (created once per process). */
  const shards = new Set<string>();

  async function exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    if (!fsync && bytes.length <= smallBlobBytes) {
      // A small file is written in a fraction of a millisecond; two thread-pool round trips cost more than that
      // under load, so small blobs are written synchronously.
      try {
        writeFileSync(temporary, bytes, { flag: 'wx' });
        renameSync(temporary, path);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
      return;
    }
    if (!fsync) {
      // Two thread-pool round trips (write, rename) instead of five: this runs once per generated image.
      try {
        await writeFile(temporary, bytes, { flag: 'wx' });
        await rename(temporary, path);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
      return;
    }
    const file = await open(temporary, 'wx');
    try {
      try {
        await file.writeFile(bytes);
        if (fsync) await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  return {
    async put(bytes) {
      const hash = sha256Hex(bytes);
      const path = pathOf(hash);
      const shard = hash.slice(0, 2);
      if (!shards.has(shard)) {
        await mkdir(join(directory, shard), { recursive: true });
        shards.add(shard);
      }
      // No existence check: content-addressed, so writing the same bytes again (or two puts racing) renames a
      // complete file of identical content over it.
      await writeAtomically(path, bytes);
      return hash;
    },

    async get(hash) {
      const path = pathOf(hash);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        if (isMissing(error)) throw new BlobMissingError(hash, { cause: error });
        throw error;
      }
      const actual = sha256Hex(bytes);
      if (actual !== hash) throw new BlobCorruptError(hash, actual);
      return bytes;
    },

    async has(hash) {
      return exists(pathOf(hash));
    },

    async delete(hash) {
      try {
        await unlink(pathOf(hash));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    },

    async *list() {
      for (const shard of await readdirOrEmpty(directory)) {
        if (!shardPattern.test(shard)) continue;
        for (const name of await readdirOrEmpty(join(directory, shard))) {
          // Skips temp files of puts in progress (`<hash>.<random>.tmp`).
          if (!isBlobHash(name) || !name.startsWith(shard)) continue;
          const stored = await stat(join(directory, shard, name)).catch((error: unknown) => {
            if (isMissing(error)) return undefined; // deleted since the directory was read
            throw error;
          });
          if (stored) yield { hash: name, storedAt: stored.mtimeMs };
        }
      }
    },
  };
}

async function readdirOrEmpty(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}
