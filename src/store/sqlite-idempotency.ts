import type Database from 'better-sqlite3';
import type { CreateJobResult, IdempotencyClaim, NewJobRecords } from '../core/store.js';
import type { ConversationStatements } from './sqlite-conversations.js';
import type { JobStatements } from './sqlite-jobs.js';
import type { TurnStatements } from './sqlite-turns.js';

/*
 * Keys live in their own table, not as a unique column of jobs: a key must keep answering "already done" after
 * its job finished, and even after a Delete removed the job, until retention prunes it.
 */
export function prepareIdempotency(
  db: Database.Database,
  statements: { conversations: ConversationStatements; turns: TurnStatements; jobs: JobStatements },
) {
  const insertKey = db.prepare<[string, string, number]>(
    'INSERT OR IGNORE INTO idempotency_keys (key, job_id, created_at) VALUES (?, ?, ?)',
  );
  const selectKey = db.prepare<[string], string>('SELECT job_id FROM idempotency_keys WHERE key = ?').pluck();

  function claim(key: string, jobId: string, now: number): IdempotencyClaim {
    if (insertKey.run(key, jobId, now).changes === 1) return { claimed: true };
    const existing = selectKey.get(key);
    if (existing === undefined) throw new Error(`idempotency key ${key} vanished while it was being claimed`);
    return { claimed: false, jobId: existing };
  }

  const createWithKey = db.transaction((key: string, records: NewJobRecords): CreateJobResult => {
    const claimed = claim(key, records.job.id, records.job.createdAt);
    if (!claimed.claimed) return { created: false, jobId: claimed.jobId };
    if (records.conversation) statements.conversations.insert(records.conversation);
    if (records.turn) statements.turns.insert(records.turn);
    statements.jobs.insert({ ...records.job, idempotencyKey: key });
    return { created: true, jobId: records.job.id };
  });

  return {
    find: (key: string): string | undefined => selectKey.get(key),
    claim: (key: string, jobId: string, now: number): IdempotencyClaim => claim(key, jobId, now),
    /** IMMEDIATE: the write lock is taken before the key is read, so two processes cannot both claim it. */
    createWithKey: (key: string, records: NewJobRecords): CreateJobResult => createWithKey.immediate(key, records),
  };
}
