import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BlobCorruptError, BlobMissingError } from '../core/store.js';
import { createFileBlobStore } from './blob-store.js';
import { dataDirPaths } from './data-dir-layout.js';
import { createSqliteStore } from './sqlite-store.js';

/** What `backupDataDir` wrote. */
export interface BackupSummary {
  /** The finished backup: a complete `DATA_DIR` of its own. */
  readonly directory: string;
  readonly databaseBytes: number;
  readonly images: number;
  /** Referenced by the snapshot but gone from `images/` (deleted since, or lost before): not in the backup. */
  readonly missingImages: readonly string[];
  /** Stored bytes that no longer match their hash: left out of the backup. */
  readonly corruptImages: readonly string[];
}

/** A backup that cannot be made, said as a sentence for the operator. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

const manifestName = 'backup.json';

/**
 * Copies a `DATA_DIR` into a new directory `target` while its bot may be running: the database through SQLite's
 * online backup API (a consistent snapshot; the live database is only read, and the `DATA_DIR` lock is never
 * touched), then every image that snapshot refers to, each checked against its hash. The result is a `DATA_DIR`
 * of its own — restoring is pointing `DATA_DIR` at it (or at a copy of it). It is written beside `target` first
 * and renamed into place when complete, so a directory named `target` is always a whole backup.
 */
export async function backupDataDir(
  dataDir: string,
  target: string,
  now: () => Date = () => new Date(),
): Promise<BackupSummary> {
  const source = dataDirPaths(dataDir);
  if (!existsSync(source.database))
    throw new BackupError(`DATA_DIR=${dataDir} has no database (threadpaint.db): there is nothing to back up.`);
  if (await isNonEmpty(target))
    throw new BackupError(
      `${target} already exists and is not empty; a backup never overwrites: name a new directory.`,
    );
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const copy = dataDirPaths(staging);
    await snapshotDatabase(source.database, copy.database);
    const images = await copyReferencedImages(source.images, copy.images, copy.database);
    const databaseBytes = (await stat(copy.database)).size;
    const manifest = { createdAt: now().toISOString(), from: path.resolve(dataDir), databaseBytes, ...images };
    await writeFile(path.join(staging, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(target)) await rm(target, { recursive: true });
    await rename(staging, target);
    const summary: BackupSummary = { directory: path.resolve(target), databaseBytes, ...images };
    return summary;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function isNonEmpty(directory: string): Promise<boolean> {
  try {
    return (await readdir(directory)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return true;
    throw error;
  }
}

/** A read-only connection: the backup reads pages, never writes, checkpoints or locks the live database for long. */
async function snapshotDatabase(from: string, to: string): Promise<void> {
  const live = new Database(from, { readonly: true, fileMustExist: true, timeout: 5_000 });
  try {
    // All pages in one step: one short read transaction, so a write by the running bot cannot restart the copy.
    await live.backup(to, { progress: () => 0x7fffffff });
  } finally {
    live.close();
  }
  const copy = new Database(to);
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copied database failed SQLite's integrity check: ${String(check)}`);
  } finally {
    copy.close();
  }
}

/** Every image the copied database refers to, read (and checked against its hash) from the live blob store. */
async function copyReferencedImages(fromDirectory: string, toDirectory: string, database: string) {
  // Opened as the bot opens it: a database from an older threadpaint is migrated, a newer one refused.
  const store = createSqliteStore({ path: database, checkpointIntervalMs: 0 });
  const hashes = [...(await store.referencedHashes())].sort();
  await store.close();
  const from = createFileBlobStore({ directory: fromDirectory });
  const to = createFileBlobStore({ directory: toDirectory, fsync: true });
  const missingImages: string[] = [];
  const corruptImages: string[] = [];
  let images = 0;
  for (const hash of hashes) {
    try {
      await to.put(await from.get(hash));
      images++;
    } catch (error) {
      if (error instanceof BlobMissingError) missingImages.push(hash);
      else if (error instanceof BlobCorruptError) corruptImages.push(hash);
      else throw error;
    }
  }
  return { images, missingImages, corruptImages };
}
