import type { JobRecord, JobState, Platform, TurnAction } from '../core/records.js';
import type { ActiveJobCount, JobListQuery, JobPatch, JobUpdateOptions } from '../core/store.js';
import type { SqlDatabase, SqlExecutor } from './sql-database.js';
import { isSet, type JobRow, json, toJob } from './sql-rows.js';
import { sql } from './sql-statement.js';
import { turnQueries } from './sql-turns.js';

const insert = sql(
  `INSERT INTO jobs (id, conversation_id, turn_id, platform, workspace_id, member_id, action, state, input, delivery,
     idempotency_key, cost_units, error, created_at, started_at, finished_at, updated_at)
   VALUES (@id, @conversationId, @turnId, @platform, @workspaceId, @memberId, @action, @state, @input, @delivery,
     @idempotencyKey, @costUnits, @error, @createdAt, @startedAt, @finishedAt, @updatedAt)`,
);
const select = sql('SELECT * FROM jobs WHERE id = @id');
// `@states` NULL: unconditional; else a compare-and-set (a row lock on PostgreSQL re-checks it after a wait).
const update = sql(
  `UPDATE jobs SET
     state = COALESCE(@state, state),
     started_at = CASE WHEN @setStartedAt = 1 THEN @startedAt ELSE started_at END,
     finished_at = CASE WHEN @setFinishedAt = 1 THEN @finishedAt ELSE finished_at END,
     error = CASE WHEN @setError = 1 THEN @error ELSE error END,
     delivery = COALESCE(@delivery, delivery),
     cost_units = COALESCE(@costUnits, cost_units),
     updated_at = @updatedAt
   WHERE id = @id AND (CAST(@states AS TEXT) IS NULL OR state IN JSON_VALUES(@states))
   RETURNING *`,
);
/** Takes the job's row lock (PostgreSQL) and reads it: a read-modify-write that no other writer interleaves. */
const lock = sql('UPDATE jobs SET updated_at = updated_at WHERE id = @id RETURNING *');
const activeCounts = sql(
  `SELECT platform, state, COUNT(*) AS count FROM jobs WHERE state IN ('queued', 'running') GROUP BY platform, state`,
);
// The newest migration's row, rewritten as it is: a write every engine commits (SQLite appends to its WAL,
// PostgreSQL writes a new row version), so it fails where a real write would.
const touchSchema = sql(
  'UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT MAX(version) FROM schema_migrations)',
);
const byState = sql('SELECT * FROM jobs WHERE state IN JSON_VALUES(@states) ORDER BY created_at, rowid');
// The turn itself, or a turn hanging under it (a Reroll's or Variations' new turn). `state || ''` keeps SQLite's
// planner on jobs_by_turn (a handful of rows) rather than jobs_by_state (every queued job).
const pending = sql(
  `SELECT * FROM jobs
   WHERE turn_id IN (SELECT @turnId UNION ALL SELECT id FROM turns WHERE parent_turn_id = @turnId)
     AND member_id = @memberId AND action = @action AND state || '' IN ('queued', 'running')
   ORDER BY created_at, rowid LIMIT 1`,
);
// Through the member's usage rows (usage_by_member): a job that cost nothing to show is no result of theirs.
const recentDelivered = sql(
  `SELECT jobs.* FROM usage JOIN jobs ON jobs.id = usage.job_id
   WHERE usage.platform = @platform AND usage.workspace_id = @workspaceId AND usage.member_id = @memberId
     AND jobs.state = 'delivered'
   ORDER BY usage.at DESC, jobs.id DESC LIMIT @limit`,
);
// Each filter is off when its parameter is NULL; newest first, bounded by `@limit`.
const filtered = sql(
  `SELECT * FROM jobs
   WHERE (CAST(@platform AS TEXT) IS NULL OR platform = @platform)
     AND (CAST(@workspaceId AS TEXT) IS NULL OR workspace_id = @workspaceId)
     AND (CAST(@memberId AS TEXT) IS NULL OR member_id = @memberId)
     AND (CAST(@states AS TEXT) IS NULL OR state IN JSON_VALUES(@states))
   ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
);
const ofConversation = sql('SELECT * FROM jobs WHERE conversation_id = @conversationId ORDER BY created_at, rowid');

export const jobQueries = {
  /** Call inside a transaction (the job row and its attachment refs). */
  async insert(db: SqlExecutor, job: JobRecord): Promise<void> {
    await db.run(insert, {
      id: job.id,
      conversationId: job.conversationId,
      turnId: job.turnId,
      platform: job.platform,
      workspaceId: job.workspaceId,
      memberId: job.memberId,
      action: job.action,
      state: job.state,
      input: JSON.stringify(job.input),
      delivery: JSON.stringify(job.delivery),
      idempotencyKey: job.idempotencyKey ?? null,
      costUnits: job.costUnits,
      error: json(job.error),
      createdAt: job.createdAt,
      startedAt: job.startedAt ?? null,
      finishedAt: job.finishedAt ?? null,
      updatedAt: job.updatedAt,
    });
    await turnQueries.addAttachmentRefs(db, job.turnId, job.input.attachments);
  },
  async get(db: SqlExecutor, id: string): Promise<JobRecord | undefined> {
    const row = await db.get<JobRow>(select, { id });
    return row && toJob(row);
  },
  /** Call inside a transaction; resolves to the job as it is now, its row locked until the transaction ends. */
  async lock(db: SqlExecutor, id: string): Promise<JobRecord | undefined> {
    const row = await db.get<JobRow>(lock, { id });
    return row && toJob(row);
  },
  async update(db: SqlExecutor, id: string, patch: JobPatch, options: JobUpdateOptions = {}) {
    const row = await db.get<JobRow>(update, {
      id,
      states: options.ifStateIn ? JSON.stringify(options.ifStateIn) : null,
      state: patch.state ?? null,
      setStartedAt: isSet(patch.startedAt),
      startedAt: patch.startedAt ?? null,
      setFinishedAt: isSet(patch.finishedAt),
      finishedAt: patch.finishedAt ?? null,
      setError: isSet(patch.error),
      error: json(patch.error),
      delivery: patch.delivery ? JSON.stringify(patch.delivery) : null,
      costUnits: patch.costUnits ?? null,
      updatedAt: patch.updatedAt,
    });
    return row && toJob(row);
  },
  async countActive(db: SqlExecutor): Promise<ActiveJobCount[]> {
    const rows = await db.all<{ platform: Platform; state: 'queued' | 'running'; count: number | string }>(
      activeCounts,
    );
    // PostgreSQL's COUNT is a bigint, which pg returns as text.
    return rows.map((row) => ({ platform: row.platform, state: row.state, count: Number(row.count) }));
  },
  async touchSchema(db: SqlDatabase): Promise<void> {
    await db.transaction(async (transaction) => {
      await transaction.run(touchSchema);
    });
  },
  async listByState(db: SqlExecutor, states: readonly JobState[]): Promise<JobRecord[]> {
    return (await db.all<JobRow>(byState, { states: JSON.stringify(states) })).map(toJob);
  },
  async findPending(db: SqlExecutor, memberId: string, turnId: string, action: TurnAction) {
    const row = await db.get<JobRow>(pending, { memberId, turnId, action });
    return row && toJob(row);
  },
  async listOfConversation(db: SqlExecutor, conversationId: string): Promise<JobRecord[]> {
    return (await db.all<JobRow>(ofConversation, { conversationId })).map(toJob);
  },
  async listRecentDelivered(
    db: SqlExecutor,
    query: { platform: Platform; workspaceId: string; memberId: string; limit: number },
  ): Promise<JobRecord[]> {
    return (await db.all<JobRow>(recentDelivered, query)).map(toJob);
  },
  async list(db: SqlExecutor, query: JobListQuery): Promise<JobRecord[]> {
    const rows = await db.all<JobRow>(filtered, {
      platform: query.platform ?? null,
      workspaceId: query.workspaceId ?? null,
      memberId: query.memberId ?? null,
      states: query.states ? JSON.stringify(query.states) : null,
      limit: query.limit,
    });
    return rows.map(toJob);
  },
};
