import type Database from 'better-sqlite3';
import type { UsageOutcome, UsageRecord } from '../core/records.js';
import type { UsageQuery, UsageSummaryRow } from '../core/store.js';
import { toUsage, type UsageRow } from './sqlite-rows.js';

interface ScopeParams {
  platform: string;
  workspaceId: string;
  memberId: string | null;
  since: number;
}

// One statement per scope (member, or the whole server) so each uses its index.
function scoped(memberScope: boolean): string {
  return `platform = @platform AND workspace_id = @workspaceId ${memberScope ? 'AND member_id = @memberId' : ''}
    AND at >= @since AND outcome != 'cancelled'`;
}

function prepareScoped<Result>(db: Database.Database, sql: (where: string) => string, pluck = false) {
  const member = db.prepare<[Record<string, unknown>], Result>(sql(scoped(true))).pluck(pluck);
  const server = db.prepare<[Record<string, unknown>], Result>(sql(scoped(false))).pluck(pluck);
  return {
    /** Returns the statement (member or server scope) and its parameters. */
    pick(query: UsageQuery, extra: Record<string, unknown> = {}) {
      const params: ScopeParams & Record<string, unknown> = {
        platform: query.platform,
        workspaceId: query.workspaceId,
        memberId: query.memberId ?? null,
        since: query.since,
        ...extra,
      };
      return { statement: query.memberId === undefined ? server : member, params };
    },
  };
}

export type UsageStatements = ReturnType<typeof prepareUsageStatements>;

export function prepareUsageStatements(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO usage (id, at, platform, workspace_id, member_id, model, tier, count, outcome, cost_units, job_id)
     VALUES (@id, @at, @platform, @workspaceId, @memberId, @model, @tier, @count, @outcome, @costUnits, @jobId)`,
  );
  const settle = db.prepare<[UsageOutcome, number, number | null, string], UsageRow>(
    'UPDATE usage SET outcome = ?, cost_units = ?, count = COALESCE(?, count) WHERE id = ? RETURNING *',
  );
  const sum = prepareScoped<number>(
    db,
    (where) => `SELECT COALESCE(SUM(cost_units), 0) FROM usage WHERE ${where}`,
    true,
  );
  const releaseAt = prepareScoped<number>(
    db,
    (where) => `SELECT at FROM (
      SELECT at, SUM(cost_units) OVER (ORDER BY at, rowid ROWS UNBOUNDED PRECEDING) AS running
      FROM usage WHERE ${where}
    ) WHERE running >= @units ORDER BY at LIMIT 1`,
    true,
  );
  const summary = prepareScoped<UsageSummaryRow>(
    db,
    (where) => `SELECT model, SUM(CASE WHEN outcome = 'succeeded' THEN count ELSE 0 END) AS images,
      COUNT(*) AS calls, SUM(cost_units) AS units
      FROM usage WHERE ${where} GROUP BY model ORDER BY model`,
  );

  return {
    record(record: UsageRecord): void {
      insert.run(record);
    },
    settle(id: string, outcome: UsageOutcome, costUnits: number, count?: number): UsageRecord | undefined {
      const row = settle.get(outcome, costUnits, count ?? null, id);
      return row && toUsage(row);
    },
    sum(query: UsageQuery): number {
      const { statement, params } = sum.pick(query);
      return statement.get(params) ?? 0;
    },
    releaseAt(query: UsageQuery & { readonly units: number }): number | undefined {
      const { statement, params } = releaseAt.pick(query, { units: query.units });
      return statement.get(params);
    },
    summary(query: UsageQuery): UsageSummaryRow[] {
      const { statement, params } = summary.pick(query);
      return statement.all(params);
    },
  };
}
