import type Database from 'better-sqlite3';
import type { MemberSettings, Platform, ServerSettings } from '../core/records.js';
import type { SettingsPatch } from '../core/store.js';

/*
 * Settings are one JSON object per member or server, merged with SQLite's json_patch (RFC 7396: a `null` member
 * of the patch removes the field), in one statement.
 */
export function prepareSettingsStatements(db: Database.Database, now: () => number) {
  const getMember = db
    .prepare<[Platform, string, string], string>(
      'SELECT settings FROM member_settings WHERE platform = ? AND workspace_id = ? AND member_id = ?',
    )
    .pluck();
  const setMember = db
    .prepare<[Record<string, unknown>], string>(
      `INSERT INTO member_settings (platform, workspace_id, member_id, settings, updated_at)
       VALUES (@platform, @workspaceId, @memberId, json_patch('{}', @patch), @now)
       ON CONFLICT (platform, workspace_id, member_id) DO UPDATE SET
         settings = json_patch(settings, @patch), updated_at = @now
       RETURNING settings`,
    )
    .pluck();
  const getServer = db
    .prepare<[Platform, string], string>('SELECT settings FROM server_settings WHERE platform = ? AND workspace_id = ?')
    .pluck();
  const setServer = db
    .prepare<[Record<string, unknown>], string>(
      `INSERT INTO server_settings (platform, workspace_id, settings, updated_at)
       VALUES (@platform, @workspaceId, json_patch('{}', @patch), @now)
       ON CONFLICT (platform, workspace_id) DO UPDATE SET settings = json_patch(settings, @patch), updated_at = @now
       RETURNING settings`,
    )
    .pluck();

  function parse<T>(settings: string | undefined): T {
    return settings === undefined ? ({} as T) : (JSON.parse(settings) as T);
  }

  return {
    getMember(platform: Platform, workspaceId: string, memberId: string): MemberSettings {
      return parse(getMember.get(platform, workspaceId, memberId));
    },
    setMember(
      platform: Platform,
      workspaceId: string,
      memberId: string,
      patch: SettingsPatch<MemberSettings>,
    ): MemberSettings {
      return parse(setMember.get({ platform, workspaceId, memberId, patch: JSON.stringify(patch), now: now() }));
    },
    getServer(platform: Platform, workspaceId: string): ServerSettings {
      return parse(getServer.get(platform, workspaceId));
    },
    setServer(platform: Platform, workspaceId: string, patch: SettingsPatch<ServerSettings>): ServerSettings {
      return parse(setServer.get({ platform, workspaceId, patch: JSON.stringify(patch), now: now() }));
    },
  };
}
