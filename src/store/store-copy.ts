import type { BlobStore } from '../core/store.js';
import type { SqlDatabase, SqlExecutor } from './sql-database.js';
import { type SqlParams, type SqlStatement, sql } from './sql-statement.js';

/** The tables of the store, parents first; `order` reads them as they were written (a parent turn before its children). */
const tables = [
  { name: 'conversations', order: 'rowid' },
  { name: 'turns', order: 'rowid' },
  { name: 'image_refs', order: 'turn_id, role, hash' },
  { name: 'jobs', order: 'rowid' },
  { name: 'idempotency_keys', order: 'key' },
  { name: 'message_links', order: 'platform, channel_id, message_id' },
  { name: 'member_settings', order: 'platform, workspace_id, member_id' },
  { name: 'server_settings', order: 'platform, workspace_id' },
  { name: 'usage', order: 'rowid' },
] as const;

export type StoreTable = (typeof tables)[number]['name'];

/** Per table (and `images`): rows written, and rows the target held already (only with `merge`). */
export type CopyCounts = Record<StoreTable | 'images', { copied: number; alreadyThere: number }>;

export interface CopyOptions {
  /** Copy into a target that holds data already, keeping what is there; otherwise such a target is refused. */
  readonly merge?: boolean;
  readonly pageSize?: number;
}

export class TargetNotEmptyError extends Error {
  override readonly name = 'TargetNotEmptyError';
}

/** Image bytes that could not be read (missing or corrupt): the copy goes on without them and says which. */
export interface CopyResult {
  readonly counts: CopyCounts;
  readonly unreadableImages: readonly { readonly hash: string; readonly reason: string }[];
}

const identifier = /^[a-z_]+$/;
const anyRow = (table: StoreTable) => sql(`SELECT 1 AS found FROM ${table} LIMIT 1`);
const page = (table: (typeof tables)[number]) =>
  sql(`SELECT * FROM ${table.name} ORDER BY ${table.order} LIMIT @limit OFFSET @offset`);

/**
 * Copies every record and every image of one store into another (a SQLite data directory into PostgreSQL). Images
 * first, each stored by content (so a copy that stops half way is safe to run again); then every table in one
 * transaction of the target, so the target holds all the records or none. Rows the target has already are kept
 * (`ON CONFLICT DO NOTHING`): with `merge`, running the copy again adds only what is missing.
 */
export async function copyStore(
  source: { readonly database: SqlDatabase; readonly blobs: BlobStore },
  target: { readonly database: SqlDatabase; readonly blobs: BlobStore },
  options: CopyOptions = {},
): Promise<CopyResult> {
  const pageSize = options.pageSize ?? 500;
  if (!options.merge) {
    for (const table of tables) {
      if ((await target.database.get(anyRow(table.name))) !== undefined) {
        throw new TargetNotEmptyError(`the target already holds data (table ${table.name} is not empty)`);
      }
    }
  }
  const counts = Object.fromEntries(
    [...tables.map((table) => table.name), 'images'].map((name) => [name, { copied: 0, alreadyThere: 0 }]),
  ) as CopyCounts;
  const unreadableImages: { hash: string; reason: string }[] = [];
  for await (const { hash } of source.blobs.list()) {
    if (await target.blobs.has(hash)) {
      counts.images.alreadyThere++;
      continue;
    }
    const bytes = await source.blobs.get(hash).catch((error: unknown) => {
      unreadableImages.push({ hash, reason: error instanceof Error ? error.message : String(error) });
      return undefined;
    });
    if (!bytes) continue;
    await target.blobs.put(bytes);
    counts.images.copied++;
  }
  await target.database.transaction(async (transaction) => {
    for (const table of tables) {
      const read = page(table);
      for (let offset = 0; ; offset += pageSize) {
        const rows = await source.database.all<Record<string, SqlParams[string]>>(read, { limit: pageSize, offset });
        for (const row of rows) {
          const inserted = await insertRow(transaction, table.name, row);
          counts[table.name][inserted ? 'copied' : 'alreadyThere']++;
        }
        if (rows.length < pageSize) break;
      }
    }
  });
  return { counts, unreadableImages };
}

const inserts = new Map<string, SqlStatement>();

async function insertRow(db: SqlExecutor, table: StoreTable, row: Record<string, SqlParams[string]>) {
  const columns = Object.keys(row);
  for (const column of columns) if (!identifier.test(column)) throw new Error(`unexpected column ${table}.${column}`);
  const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})
    ON CONFLICT DO NOTHING`;
  let statement = inserts.get(text);
  if (!statement) {
    statement = sql(text);
    inserts.set(text, statement);
  }
  return (await db.run(statement, row)) === 1;
}
