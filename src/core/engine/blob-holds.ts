import type { BlobStore, Store } from '../store.js';

/**
 * The images one piece of work stored and has not yet written into a record (a submit's attachments until its job
 * is created, a job's fetched files and outputs until its turn is written): held, so that a concurrent Delete or
 * retention that found the same bytes unreferenced does not remove them in between.
 */
export interface BlobLease {
  /** Stores the bytes (content-addressed: the same bytes are one blob) and holds the hash until `release`. */
  put(bytes: Uint8Array): Promise<string>;
  /** Lets go of every hash this lease holds; call it once the records that refer to them are written, or not. */
  release(): void;
}

export interface BlobHolds {
  lease(): BlobLease;
  /**
   * Deletes a blob no record refers to, unless a lease holds it: asked of the store again first (a record may refer
   * to it since the caller decided), and a put of the same bytes that overlaps the deletion stores them again.
   * Resolves to whether it deleted.
   */
  deleteUnreferenced(hash: string): Promise<boolean>;
}

/**
 * Holds for one process. The race it closes: a member deletes a turn (its images are now unreferenced) while another
 * request carries the same bytes (content addressing makes them one blob) between its put, which found the blob
 * there and wrote nothing, and the transaction that refers to it. Deleting after that put would leave the new record
 * pointing at nothing. Processes that share a blob store (PostgreSQL with several processes) are not covered by this:
 * their periodic sweep keeps a margin (see engine-retention.ts).
 */
export function createBlobHolds(blobs: BlobStore, store: Pick<Store, 'isHashReferenced'>): BlobHolds {
  const held = new Map<string, number>();
  /** Deletions under way, by hash. */
  const deleting = new Map<string, Promise<boolean>>();
  /** Puts under way, each with the hashes whose deletion overlapped it. */
  const puts = new Set<Set<string>>();

  function hold(hash: string): void {
    held.set(hash, (held.get(hash) ?? 0) + 1);
  }

  function letGo(hash: string): void {
    const count = (held.get(hash) ?? 0) - 1;
    if (count > 0) held.set(hash, count);
    else held.delete(hash);
  }

  async function put(bytes: Uint8Array): Promise<string> {
    for (;;) {
      // The put's hash is known only once it is done: every deletion under way or begun meanwhile may be its own.
      const overlapped = new Set(deleting.keys());
      puts.add(overlapped);
      let hash: string;
      try {
        hash = await blobs.put(bytes);
      } finally {
        puts.delete(overlapped);
      }
      if (!overlapped.has(hash) && !deleting.has(hash)) {
        hold(hash);
        return hash;
      }
      // The deletion may have removed what this put found there: store again once it is over.
      await deleting.get(hash)?.catch(() => undefined);
    }
  }

  function deleteUnreferenced(hash: string): Promise<boolean> {
    if (held.has(hash)) return Promise.resolve(false);
    const under = deleting.get(hash);
    if (under) return under;
    for (const overlapped of puts) overlapped.add(hash);
    const deletion = Promise.resolve()
      .then(async () => {
        if (await store.isHashReferenced(hash)) return false;
        if (held.has(hash)) return false;
        await blobs.delete(hash);
        return true;
      })
      .finally(() => deleting.delete(hash));
    deleting.set(hash, deletion);
    return deletion;
  }

  return {
    lease() {
      const mine: string[] = [];
      let released = false;
      return {
        async put(bytes) {
          const hash = await put(bytes);
          if (released) {
            // Released while it stored (the work gave up): hold nothing past the release.
            letGo(hash);
          } else {
            mine.push(hash);
          }
          return hash;
        },
        release() {
          if (released) return;
          released = true;
          for (const hash of mine.splice(0)) letGo(hash);
        },
      };
    },
    deleteUnreferenced,
  };
}
