import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataDirBusyError, lockDataDir } from '../app/data-dir-lock.js';
import { lockPostgresQueue, QueueBusyError } from '../app/postgres-queue-lock.js';
import type { Config } from '../config/config.js';
import { createFileBlobStore } from '../store/blob-store.js';
import { describeDatabaseUrl, StoreUnavailableError } from '../store/postgres-errors.js';
import { openPostgresStore } from '../store/postgres-store.js';
import { openSqliteDatabase } from '../store/sqlite-store.js';
import { type CopyCounts, copyStore, TargetNotEmptyError } from '../store/store-copy.js';
import { CliUsageError } from './cli-args.js';

export interface MigrateStoreIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const usage = 'usage: threadpaint migrate-store [--merge]';

/**
 * `threadpaint migrate-store [--merge]`: copies the SQLite store of `DATA_DIR` (records and image files) into the
 * PostgreSQL store of `DATABASE_URL` / `DATABASE_SCHEMA`, holding both (no bot may run on either meanwhile), and
 * prints what it copied. A target that holds data is refused unless `--merge`, which adds only what is missing.
 */
export async function runMigrateStore(config: Config, words: readonly string[], io: MigrateStoreIo): Promise<number> {
  try {
    return await migrate(config, words, io);
  } catch (error) {
    // A source or target in use, or a database that cannot be opened: the sentence, not a stack.
    const busy = error instanceof DataDirBusyError || error instanceof QueueBusyError;
    if (!busy && !(error instanceof StoreUnavailableError)) throw error;
    io.err(`threadpaint: ${error.message}`);
    return busy ? 75 : 78;
  }
}

async function migrate(config: Config, words: readonly string[], io: MigrateStoreIo): Promise<number> {
  const merge = words.includes('--merge');
  const unknown = words.filter((word) => word !== '--merge');
  if (unknown.length > 0) throw new CliUsageError(`migrate-store takes no "${unknown.join(' ')}"; ${usage}`);
  if (!config.DATABASE_URL) {
    throw new CliUsageError(
      'migrate-store copies DATA_DIR into PostgreSQL: set DATABASE_URL (and DATABASE_SCHEMA) to the target',
    );
  }
  const databaseFile = path.join(config.DATA_DIR, 'threadpaint.db');
  if (!existsSync(databaseFile)) {
    throw new CliUsageError(`DATA_DIR=${config.DATA_DIR} holds no threadpaint.db: there is nothing to migrate`);
  }
  const target = `PostgreSQL at ${describeDatabaseUrl(config.DATABASE_URL)} (schema ${config.DATABASE_SCHEMA})`;
  const dataDirLock = lockDataDir(config.DATA_DIR);
  try {
    const queueLock = await lockPostgresQueue({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA });
    try {
      const source = openSqliteDatabase({ path: databaseFile });
      const storage = await openPostgresStore({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA }).catch(
        async (error: unknown) => {
          await source.close();
          throw error;
        },
      );
      try {
        const result = await copyStore(
          { database: source, blobs: createFileBlobStore({ directory: path.join(config.DATA_DIR, 'images') }) },
          { database: storage.database, blobs: storage.blobs },
          { merge },
        );
        io.out(`Copied DATA_DIR=${config.DATA_DIR} into ${target}:`);
        for (const line of describeCounts(result.counts)) io.out(`  ${line}`);
        for (const image of result.unreadableImages) io.err(`  image ${image.hash} was not copied: ${image.reason}`);
        return result.unreadableImages.length > 0 ? 1 : 0;
      } catch (error) {
        if (!(error instanceof TargetNotEmptyError)) throw error;
        io.err(
          `threadpaint: ${target}: ${error.message}; nothing was copied. Run \`threadpaint migrate-store --merge\` to add what is missing and keep what is there, or set DATABASE_SCHEMA to an empty schema.`,
        );
        return 1;
      } finally {
        await storage.store.close();
        await source.close();
      }
    } finally {
      await queueLock.release();
    }
  } finally {
    dataDirLock.release();
  }
}

const labels: Record<keyof CopyCounts, string> = {
  conversations: 'conversations',
  turns: 'turns',
  image_refs: 'image references',
  jobs: 'jobs',
  idempotency_keys: 'idempotency keys',
  message_links: 'message links',
  member_settings: 'member settings',
  server_settings: 'server settings',
  usage: 'usage rows',
  images: 'images',
};

function describeCounts(counts: CopyCounts): string[] {
  return (Object.keys(labels) as (keyof CopyCounts)[]).map((name) => {
    const { copied, alreadyThere } = counts[name];
    return `${labels[name]}: ${copied} copied${alreadyThere > 0 ? `, ${alreadyThere} already there` : ''}`;
  });
}
