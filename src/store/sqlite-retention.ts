import type Database from 'better-sqlite3';
import type { DeleteResult, ExpiredDeleteResult } from '../core/store.js';

/*
 * Deletes cascade through foreign keys (conversation → turns → image refs, jobs, message links). Each delete first
 * collects the blob hashes its turns refer to, then reports those that nothing refers to afterwards.
 */
export function prepareRetentionStatements(db: Database.Database) {
  const hashesOfConversations = db
    .prepare<[string], string>(
      `SELECT DISTINCT r.hash FROM image_refs r JOIN turns t ON t.id = r.turn_id
       WHERE t.conversation_id IN (SELECT value FROM json_each(?))`,
    )
    .pluck();
  const hashesOfTurn = db.prepare<[string], string>('SELECT DISTINCT hash FROM image_refs WHERE turn_id = ?').pluck();
  const unreferenced = db
    .prepare<[string], string>(
      `SELECT value FROM json_each(?) WHERE NOT EXISTS (SELECT 1 FROM image_refs WHERE hash = json_each.value)`,
    )
    .pluck();
  const deleteConversations = db.prepare<[string]>(
    'DELETE FROM conversations WHERE id IN (SELECT value FROM json_each(?))',
  );
  const deleteTurn = db.prepare<[string]>('DELETE FROM turns WHERE id = ?');
  // Conversations with work in flight are kept: their job would lose its turn under it.
  const expired = db
    .prepare<[number], string>(
      `SELECT id FROM conversations c WHERE updated_at < ? AND NOT EXISTS (
         SELECT 1 FROM jobs j WHERE j.conversation_id = c.id AND j.state IN ('queued', 'running', 'generated'))`,
    )
    .pluck();
  const pruneKeys = db.prepare<[number]>(
    `DELETE FROM idempotency_keys
     WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.id = idempotency_keys.job_id)`,
  );
  const referenced = db.prepare<[string], number>('SELECT 1 FROM image_refs WHERE hash = ? LIMIT 1').pluck();
  const allReferenced = db.prepare<[], string>('SELECT DISTINCT hash FROM image_refs').pluck();

  function orphaned(hashes: readonly string[]): string[] {
    return hashes.length === 0 ? [] : unreferenced.all(JSON.stringify(hashes));
  }

  function removeConversations(ids: readonly string[]): DeleteResult & { readonly count: number } {
    if (ids.length === 0) return { count: 0, orphanedHashes: [] };
    const list = JSON.stringify(ids);
    const hashes = hashesOfConversations.all(list);
    const count = deleteConversations.run(list).changes;
    return { count, orphanedHashes: orphaned(hashes) };
  }

  const deleteConversation = db.transaction((id: string) => {
    const { count, orphanedHashes } = removeConversations([id]);
    return { deleted: count > 0, orphanedHashes };
  });
  const deleteOneTurn = db.transaction((id: string) => {
    const hashes = hashesOfTurn.all(id);
    const deleted = deleteTurn.run(id).changes > 0;
    return { deleted, orphanedHashes: orphaned(hashes) };
  });
  const deleteExpired = db.transaction((before: number): ExpiredDeleteResult => {
    const { count, orphanedHashes } = removeConversations(expired.all(before));
    pruneKeys.run(before);
    return { conversations: count, orphanedHashes };
  });

  return {
    deleteConversation: (id: string) => deleteConversation.immediate(id),
    deleteTurn: (id: string) => deleteOneTurn.immediate(id),
    deleteExpired: (before: number) => deleteExpired.immediate(before),
    isReferenced: (hash: string): boolean => referenced.get(hash) !== undefined,
    referenced: (): Set<string> => new Set(allReferenced.all()),
  };
}
