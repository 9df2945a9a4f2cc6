import type { DeleteResult, ExpiredDeleteResult } from '../core/store.js';
import type { SqlDatabase, SqlExecutor } from './sql-database.js';
import { sql } from './sql-statement.js';

/*
 * Deletes cascade through foreign keys (conversation → turns → image refs, jobs, message links). Each delete first
 * collects the blob hashes its turns refer to, then reports those that nothing refers to afterwards.
 */
const hashesOfConversations = sql(
  `SELECT DISTINCT r.hash FROM image_refs r JOIN turns t ON t.id = r.turn_id
   WHERE t.conversation_id IN JSON_VALUES(@ids)`,
);
const hashesOfTurn = sql('SELECT DISTINCT hash FROM image_refs WHERE turn_id = @id');
const unreferenced = sql(
  `SELECT list.value AS hash FROM JSON_VALUES(@hashes) AS list
   WHERE NOT EXISTS (SELECT 1 FROM image_refs WHERE image_refs.hash = list.value)`,
);
// Conversations with work in flight are kept: their job would lose its turn under it. The condition is checked
// again by the DELETE itself: on PostgreSQL a conversation a job touched meanwhile (its `updated_at`) is re-read.
const inFlight = `EXISTS (SELECT 1 FROM jobs j WHERE j.conversation_id = c.id AND j.state IN ('queued', 'running', 'generated'))`;
const expired = sql(`SELECT id FROM conversations c WHERE updated_at < @before AND NOT ${inFlight}`);
const deleteExpiredConversations = sql(
  `DELETE FROM conversations AS c WHERE id IN JSON_VALUES(@ids) AND updated_at < @before AND NOT ${inFlight}`,
);
const deleteConversations = sql('DELETE FROM conversations WHERE id IN JSON_VALUES(@ids)');
const deleteTurn = sql('DELETE FROM turns WHERE id = @id');
const pruneKeys = sql(
  `DELETE FROM idempotency_keys
   WHERE created_at < @before AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.id = idempotency_keys.job_id)`,
);
const referenced = sql('SELECT 1 AS found FROM image_refs WHERE hash = @hash LIMIT 1');
const allReferenced = sql('SELECT DISTINCT hash FROM image_refs');

type HashRow = { hash: string };

async function orphaned(db: SqlExecutor, hashes: readonly HashRow[]): Promise<string[]> {
  if (hashes.length === 0) return [];
  const rows = await db.all<HashRow>(unreferenced, { hashes: JSON.stringify(hashes.map((row) => row.hash)) });
  return rows.map((row) => row.hash);
}

async function removeConversations(
  db: SqlExecutor,
  ids: readonly string[],
  before?: number,
): Promise<DeleteResult & { readonly count: number }> {
  if (ids.length === 0) return { count: 0, orphanedHashes: [] };
  const list = JSON.stringify(ids);
  const hashes = await db.all<HashRow>(hashesOfConversations, { ids: list });
  const count =
    before === undefined
      ? await db.run(deleteConversations, { ids: list })
      : await db.run(deleteExpiredConversations, { ids: list, before });
  return { count, orphanedHashes: await orphaned(db, hashes) };
}

export const retentionQueries = {
  deleteConversation: (db: SqlDatabase, id: string) =>
    db.transaction(async (transaction) => {
      const { count, orphanedHashes } = await removeConversations(transaction, [id]);
      return { deleted: count > 0, orphanedHashes };
    }),
  deleteTurn: (db: SqlDatabase, id: string) =>
    db.transaction(async (transaction) => {
      const hashes = await transaction.all<HashRow>(hashesOfTurn, { id });
      const deleted = (await transaction.run(deleteTurn, { id })) > 0;
      return { deleted, orphanedHashes: await orphaned(transaction, hashes) };
    }),
  deleteExpired: (db: SqlDatabase, before: number): Promise<ExpiredDeleteResult> =>
    db.transaction(async (transaction) => {
      const ids = (await transaction.all<{ id: string }>(expired, { before })).map((row) => row.id);
      const { count, orphanedHashes } = await removeConversations(transaction, ids, before);
      await transaction.run(pruneKeys, { before });
      return { conversations: count, orphanedHashes };
    }),
  isReferenced: async (db: SqlExecutor, hash: string) => (await db.get(referenced, { hash })) !== undefined,
  referenced: async (db: SqlExecutor) => new Set((await db.all<HashRow>(allReferenced)).map((row) => row.hash)),
};
