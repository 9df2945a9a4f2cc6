import type Database from 'better-sqlite3';
import type { JobRecord, JobState, TurnAction } from '../core/records.js';
import type { JobPatch, JobUpdateOptions } from '../core/store.js';
import { isSet, type JobRow, json, toJob } from './sqlite-rows.js';
import type { TurnStatements } from './sqlite-turns.js';

export type JobStatements = ReturnType<typeof prepareJobStatements>;

export function prepareJobStatements(db: Database.Database, turns: TurnStatements) {
  const insert = db.prepare(
    `INSERT INTO jobs (id, conversation_id, turn_id, platform, workspace_id, member_id, action, state, input, delivery,
       idempotency_key, cost_units, error, created_at, started_at, finished_at, updated_at)
     VALUES (@id, @conversationId, @turnId, @platform, @workspaceId, @memberId, @action, @state, @input, @delivery,
       @idempotencyKey, @costUnits, @error, @createdAt, @startedAt, @finishedAt, @updatedAt)`,
  );
  const select = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const update = db.prepare<[Record<string, unknown>], JobRow>(
    `UPDATE jobs SET
       state = COALESCE(@state, state),
       started_at = CASE WHEN @set_startedAt THEN @startedAt ELSE started_at END,
       finished_at = CASE WHEN @set_finishedAt THEN @finishedAt ELSE finished_at END,
       error = CASE WHEN @set_error THEN @error ELSE error END,
       delivery = COALESCE(@delivery, delivery),
       cost_units = COALESCE(@costUnits, cost_units),
       updated_at = @updatedAt
     WHERE id = @id AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
     RETURNING *`,
  );
  const byState = db.prepare<[string], JobRow>(
    'SELECT * FROM jobs WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid',
  );
  // The turn itself, or a turn hanging under it (a Reroll's or Variations' new turn). `+state` keeps the planner on
  // jobs_by_turn (a handful of rows) rather than jobs_by_state (every queued job).
  const pending = db.prepare<{ memberId: string; turnId: string; action: TurnAction }, JobRow>(
    `SELECT * FROM jobs
     WHERE turn_id IN (SELECT @turnId UNION ALL SELECT id FROM turns WHERE parent_turn_id = @turnId)
       AND member_id = @memberId AND action = @action AND +state IN ('queued', 'running')
     ORDER BY created_at, rowid LIMIT 1`,
  );
  const ofConversation = db.prepare<[string], JobRow>(
    'SELECT * FROM jobs WHERE conversation_id = ? ORDER BY created_at, rowid',
  );

  return {
    /** Call inside a transaction (the job row and its attachment refs). */
    insert(job: JobRecord): void {
      insert.run({
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
      turns.addAttachmentRefs(job.turnId, job.input.attachments);
    },
    get(id: string): JobRecord | undefined {
      const row = select.get(id);
      return row && toJob(row);
    },
    update(id: string, patch: JobPatch, options: JobUpdateOptions = {}): JobRecord | undefined {
      const row = update.get({
        id,
        states: options.ifStateIn ? JSON.stringify(options.ifStateIn) : null,
        state: patch.state ?? null,
        set_startedAt: isSet(patch.startedAt),
        startedAt: patch.startedAt ?? null,
        set_finishedAt: isSet(patch.finishedAt),
        finishedAt: patch.finishedAt ?? null,
        set_error: isSet(patch.error),
        error: json(patch.error),
        delivery: patch.delivery ? JSON.stringify(patch.delivery) : null,
        costUnits: patch.costUnits ?? null,
        updatedAt: patch.updatedAt,
      });
      return row && toJob(row);
    },
    listByState(states: readonly JobState[]): JobRecord[] {
      return byState.all(JSON.stringify(states)).map(toJob);
    },
    findPending(memberId: string, turnId: string, action: TurnAction): JobRecord | undefined {
      const row = pending.get({ memberId, turnId, action });
      return row && toJob(row);
    },
    listOfConversation(conversationId: string): JobRecord[] {
      return ofConversation.all(conversationId).map(toJob);
    },
  };
}
