import type { SettingsPatch } from '../core/store.js';
import type { SqlDatabase } from './sql-database.js';
import { sql } from './sql-statement.js';

/** A settings row: one JSON object per member (`memberId`) or per server/workspace (`memberId` undefined). */
export interface SettingsOwner {
  readonly platform: string;
  readonly workspaceId: string;
  readonly memberId?: string;
}

const member = {
  select: sql(
    `SELECT settings FROM member_settings
     WHERE platform = @platform AND workspace_id = @workspaceId AND member_id = @memberId`,
  ),
  // Inserts an empty row or, when there is one, locks it (PostgreSQL) and reads what it holds now.
  claim: sql(
    `INSERT INTO member_settings (platform, workspace_id, member_id, settings, updated_at)
     VALUES (@platform, @workspaceId, @memberId, '{}', @now)
     ON CONFLICT (platform, workspace_id, member_id) DO UPDATE SET updated_at = excluded.updated_at
     RETURNING settings`,
  ),
  write: sql(
    `UPDATE member_settings SET settings = @settings
     WHERE platform = @platform AND workspace_id = @workspaceId AND member_id = @memberId`,
  ),
};
const server = {
  select: sql('SELECT settings FROM server_settings WHERE platform = @platform AND workspace_id = @workspaceId'),
  claim: sql(
    `INSERT INTO server_settings (platform, workspace_id, settings, updated_at)
     VALUES (@platform, @workspaceId, '{}', @now)
     ON CONFLICT (platform, workspace_id) DO UPDATE SET updated_at = excluded.updated_at
     RETURNING settings`,
  ),
  write: sql(
    'UPDATE server_settings SET settings = @settings WHERE platform = @platform AND workspace_id = @workspaceId',
  ),
};

const statementsOf = (owner: SettingsOwner) => (owner.memberId === undefined ? server : member);
const paramsOf = (owner: SettingsOwner) => ({
  platform: owner.platform,
  workspaceId: owner.workspaceId,
  ...(owner.memberId === undefined ? {} : { memberId: owner.memberId }),
});

/** RFC 7396 on a flat object: fields of the patch win, a `null` removes the field. */
function mergePatch(stored: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return merged;
}

export const settingsQueries = {
  async get<T>(db: SqlDatabase, owner: SettingsOwner): Promise<T> {
    const row = await db.get<{ settings: string }>(statementsOf(owner).select, paramsOf(owner));
    return (row ? JSON.parse(row.settings) : {}) as T;
  },
  /** Read, merge and write in one transaction on the locked row, so two merges never lose each other's fields. */
  async merge<T>(db: SqlDatabase, owner: SettingsOwner, patch: SettingsPatch<T>, now: number): Promise<T> {
    const statements = statementsOf(owner);
    const params = paramsOf(owner);
    return db.transaction(async (transaction) => {
      const claimed = await transaction.get<{ settings: string }>(statements.claim, { ...params, now });
      const merged = mergePatch(JSON.parse(claimed?.settings ?? '{}'), patch as Record<string, unknown>);
      await transaction.run(statements.write, { ...params, settings: JSON.stringify(merged) });
      return merged as T;
    });
  },
};
