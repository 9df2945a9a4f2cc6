import type { UsageOutcome, UsageRecord } from '../core/records.js';
import type { MemberUsageQuery, MemberUsageRow, UsageQuery, UsageSummaryRow } from '../core/store.js';
import type { SqlExecutor } from './sql-database.js';
import { toUsage, type UsageRow } from './sql-rows.js';
import { type SqlParams, type SqlStatement, sql } from './sql-statement.js';

// One statement per scope (member, or the whole server) so each uses its index.
function scoped(memberScope: boolean): string {
  return `platform = @platform AND workspace_id = @workspaceId ${memberScope ? 'AND member_id = @memberId' : ''}
    AND at >= @since AND outcome <> 'cancelled'`;
}

function perScope(text: (where: string) => string) {
  const member = sql(text(scoped(true)));
  const server = sql(text(scoped(false)));
  /** The statement of the query's scope and its parameters. */
  return (query: UsageQuery, extra: SqlParams = {}): [SqlStatement, SqlParams] => [
    query.memberId === undefined ? server : member,
    {
      platform: query.platform,
      workspaceId: query.workspaceId,
      since: query.since,
      ...(query.memberId === undefined ? {} : { memberId: query.memberId }),
      ...extra,
    },
  ];
}

const insert = sql(
  `INSERT INTO usage (id, at, platform, workspace_id, member_id, model, tier, count, outcome, cost_units, job_id)
   VALUES (@id, @at, @platform, @workspaceId, @memberId, @model, @tier, @count, @outcome, @costUnits, @jobId)`,
);
const settle = sql(
  'UPDATE usage SET outcome = @outcome, cost_units = @costUnits, count = COALESCE(@count, count) WHERE id = @id RETURNING *',
);
const sum = perScope((where) => `SELECT COALESCE(SUM(cost_units), 0) AS units FROM usage WHERE ${where}`);
const releaseAt = perScope(
  (where) => `SELECT at FROM (
    SELECT at, SUM(cost_units) OVER (ORDER BY at, rowid ROWS UNBOUNDED PRECEDING) AS running
    FROM usage WHERE ${where}
  ) AS window_rows WHERE running >= @units ORDER BY at LIMIT 1`,
);
const summary = perScope(
  (where) => `SELECT model, SUM(CASE WHEN outcome = 'succeeded' THEN count ELSE 0 END) AS images,
    COUNT(*) AS calls, SUM(cost_units) AS units
    FROM usage WHERE ${where} GROUP BY model ORDER BY model`,
);

const perMember = sql(
  `SELECT platform, workspace_id, member_id, SUM(cost_units) AS units,
     SUM(CASE WHEN outcome = 'succeeded' THEN count ELSE 0 END) AS images, COUNT(*) AS calls
   FROM usage
   WHERE at >= @since AND outcome <> 'cancelled'
     AND (CAST(@platform AS TEXT) IS NULL OR platform = @platform)
     AND (CAST(@workspaceId AS TEXT) IS NULL OR workspace_id = @workspaceId)
     AND (CAST(@memberId AS TEXT) IS NULL OR member_id = @memberId)
   GROUP BY platform, workspace_id, member_id
   ORDER BY units DESC, platform, workspace_id, member_id LIMIT @limit`,
);

interface MemberUsageSqlRow {
  platform: MemberUsageRow['platform'];
  workspace_id: string;
  member_id: string;
  units: number | string;
  images: number | string;
  calls: number | string;
}

export const usageQueries = {
  async record(db: SqlExecutor, record: UsageRecord): Promise<void> {
    await db.run(insert, {
      id: record.id,
      at: record.at,
      platform: record.platform,
      workspaceId: record.workspaceId,
      memberId: record.memberId,
      model: record.model,
      tier: record.tier,
      count: record.count,
      outcome: record.outcome,
      costUnits: record.costUnits,
      jobId: record.jobId,
    });
  },
  async settle(db: SqlExecutor, id: string, outcome: UsageOutcome, costUnits: number, count?: number) {
    const row = await db.get<UsageRow>(settle, { id, outcome, costUnits, count: count ?? null });
    return row && toUsage(row);
  },
  async sum(db: SqlExecutor, query: UsageQuery): Promise<number> {
    return (await db.get<{ units: number }>(...sum(query)))?.units ?? 0;
  },
  async releaseAt(db: SqlExecutor, query: UsageQuery & { readonly units: number }): Promise<number | undefined> {
    return (await db.get<{ at: number }>(...releaseAt(query, { units: query.units })))?.at;
  },
  async summary(db: SqlExecutor, query: UsageQuery): Promise<UsageSummaryRow[]> {
    return db.all<UsageSummaryRow>(...summary(query));
  },
  async byMember(db: SqlExecutor, query: MemberUsageQuery): Promise<MemberUsageRow[]> {
    const rows = await db.all<MemberUsageSqlRow>(perMember, {
      since: query.since,
      platform: query.platform ?? null,
      workspaceId: query.workspaceId ?? null,
      memberId: query.memberId ?? null,
      limit: query.limit,
    });
    // PostgreSQL's SUM and COUNT of integers are numerics and bigints, which pg returns as text.
    return rows.map((row) => ({
      platform: row.platform,
      workspaceId: row.workspace_id,
      memberId: row.member_id,
      units: Number(row.units),
      images: Number(row.images),
      calls: Number(row.calls),
    }));
  },
};
