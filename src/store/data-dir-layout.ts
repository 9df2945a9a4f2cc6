import path from 'node:path';

/** Where a `DATA_DIR` keeps things: the bot, `threadpaint backup` and a restored backup all agree on it. */
export function dataDirPaths(dataDir: string) {
  return {
    /** The SQLite database (WAL mode: `-wal` and `-shm` files beside it while it is open). */
    database: path.join(dataDir, 'threadpaint.db'),
    /** The blob store's directory: one file per image, named by its sha256. */
    images: path.join(dataDir, 'images'),
  };
}
