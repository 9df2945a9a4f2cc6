import type Database from 'better-sqlite3';
import type { CreateJobResult, IdempotencyClaim, NewJobRecords } from '../core/store.js';
import type { ConversationStatements } from './sqlite-conversations.js';
import type { JobStatements } from './sqlite-jobs.js';
import type { TurnStatements } from './sqlite-turns.js';
import type { UsageStatements } from './sqlite-usage.js';

/*
 * Keys live in their own table, not as a unique column of jobs: a key must keep answering "already done" after
 * its job finished, and even after a Delete removed the job, until retention prunes it.
 */
export function prepareIdempotency(
  db: Database.Database,
  statements: {
    conversations: ConversationStatements;
    turns: TurnStatements;
    jobs: JobStatements;
    usage: UsageStatements;
  },
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
    const seen = selectKey.get(key);
    if (seen !== undefined) return { created: false, reason: 'duplicate', jobId: seen };
    if (records.unlessPending) {
      const { memberId, turnId, action } = records.unlessPending;
      const pending = statements.jobs.findPending(memberId, turnId, action);
      if (pending) return { created: false, reason: 'pending', jobId: pending.id };
    }
    const units = records.reservation?.costUnits ?? 0;
    for (const guard of records.quota ?? []) {
      if (statements.usage.sum(guard.query) + units > guard.limit) return { created: false, reason: 'quota', guard };
    }
    claim(key, records.job.id, records.job.createdAt);
    if (records.conversation) statements.conversations.insert(records.conversation);
    if (records.turn) statements.turns.insert(records.turn);
    statements.jobs.insert({ ...records.job, idempotencyKey: key });
    if (records.retryTurnId) statements.turns.update(records.retryTurnId, { jobId: records.job.id });
    if (records.reservation) statements.usage.record(records.reservation);
    if (records.touchConversationId) {
      statements.conversations.update(records.touchConversationId, { updatedAt: records.job.createdAt });
    }
    return { created: true, jobId: records.job.id };
  });

  return {
    find: (key: string): string | undefined => selectKey.get(key),
    claim: (key: string, jobId: string, now: number): IdempotencyClaim => claim(key, jobId, now),
    /**
     * IMMEDIATE: the write lock is taken before the key, the pending jobs and the quota are read, so two processes
     * cannot both claim the key, both queue the same Reroll, or both fit into the last units of a quota.
     */
    createWithKey: (key: string, records: NewJobRecords): CreateJobResult => createWithKey.immediate(key, records),
  };
}
