import type { CreateJobResult, IdempotencyClaim, NewJobRecords } from '../core/store.js';
import { conversationQueries } from './sql-conversations.js';
import type { SqlDatabase, SqlExecutor } from './sql-database.js';
import { jobQueries } from './sql-jobs.js';
import { sql } from './sql-statement.js';
import { turnQueries } from './sql-turns.js';
import { usageQueries } from './sql-usage.js';

/*
 * Keys live in their own table, not as a unique column of jobs: a key must keep answering "already done" after
 * its job finished, and even after a Delete removed the job, until retention prunes it.
 */
const insertKey = sql(
  'INSERT INTO idempotency_keys (key, job_id, created_at) VALUES (@key, @jobId, @now) ON CONFLICT DO NOTHING',
);
const selectKey = sql('SELECT job_id FROM idempotency_keys WHERE key = @key');

async function find(db: SqlExecutor, key: string): Promise<string | undefined> {
  return (await db.get<{ job_id: string }>(selectKey, { key }))?.job_id;
}

async function claim(db: SqlExecutor, key: string, jobId: string, now: number): Promise<IdempotencyClaim> {
  if ((await db.run(insertKey, { key, jobId, now })) === 1) return { claimed: true };
  const existing = await find(db, key);
  if (existing === undefined) throw new Error(`idempotency key ${key} vanished while it was being claimed`);
  return { claimed: false, jobId: existing };
}

/** The workspaces whose quota the job is checked against: their job creations are serialised across processes. */
function quotaLocks(records: NewJobRecords): string[] {
  const scopes = [records.job, ...(records.quota ?? []).map((guard) => guard.query)];
  return scopes.map((scope) => `quota:${scope.platform}:${scope.workspaceId}`);
}

async function createWithKey(db: SqlExecutor, key: string, records: NewJobRecords): Promise<CreateJobResult> {
  const seen = await find(db, key);
  if (seen !== undefined) return { created: false, reason: 'duplicate', jobId: seen };
  if (records.unlessPending) {
    const { memberId, turnId, action } = records.unlessPending;
    const pending = await jobQueries.findPending(db, memberId, turnId, action);
    if (pending) return { created: false, reason: 'pending', jobId: pending.id };
  }
  const units = records.reservation?.costUnits ?? 0;
  for (const guard of records.quota ?? []) {
    if ((await usageQueries.sum(db, guard.query)) + units > guard.limit)
      return { created: false, reason: 'quota', guard };
  }
  // Another process may have claimed the key since it was read (the lock covers quotas, not keys): its job wins.
  const claimed = await claim(db, key, records.job.id, records.job.createdAt);
  if (!claimed.claimed) return { created: false, reason: 'duplicate', jobId: claimed.jobId };
  if (records.conversation) await conversationQueries.insert(db, records.conversation);
  if (records.turn) await turnQueries.insert(db, records.turn);
  await jobQueries.insert(db, { ...records.job, idempotencyKey: key });
  if (records.retryTurnId) await turnQueries.update(db, records.retryTurnId, { jobId: records.job.id });
  if (records.reservation) await usageQueries.record(db, records.reservation);
  if (records.touchConversationId) {
    await conversationQueries.update(db, records.touchConversationId, { updatedAt: records.job.createdAt });
  }
  return { created: true, jobId: records.job.id };
}

export const idempotencyQueries = {
  find,
  claim: (db: SqlExecutor, key: string, jobId: string, now: number) => claim(db, key, jobId, now),
  /**
   * One transaction holding the lock of every workspace whose quota it reads (SQLite: the write lock, taken before
   * anything is read), so two processes cannot both queue the same Reroll or both fit into the last units of a
   * quota; the key's primary key settles two claims of one key.
   */
  createWithKey: (db: SqlDatabase, key: string, records: NewJobRecords): Promise<CreateJobResult> =>
    db.transaction((transaction) => createWithKey(transaction, key, records), { locks: quotaLocks(records) }),
};
