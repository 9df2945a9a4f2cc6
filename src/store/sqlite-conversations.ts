import type Database from 'better-sqlite3';
import type { ConversationLocation, ConversationRecord } from '../core/records.js';
import type { ConversationPatch } from '../core/store.js';
import { type ConversationRow, isSet, toConversation } from './sqlite-rows.js';

export type ConversationStatements = ReturnType<typeof prepareConversationStatements>;

export function prepareConversationStatements(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO conversations
       (id, platform, workspace_id, channel_id, thread_id, root_message_id, owner_id, model, created_at, updated_at)
     VALUES (@id, @platform, @workspaceId, @channelId, @threadId, @rootMessageId, @ownerId, @model, @createdAt, @updatedAt)`,
  );
  const select = db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?');
  const byThread = db.prepare<[string, string, string, string], ConversationRow>(
    `SELECT * FROM conversations WHERE platform = ? AND workspace_id = ? AND channel_id = ? AND thread_id = ?
     ORDER BY updated_at DESC LIMIT 1`,
  );
  const byRoot = db.prepare<[string, string, string, string], ConversationRow>(
    `SELECT * FROM conversations WHERE platform = ? AND workspace_id = ? AND channel_id = ? AND root_message_id = ?
     ORDER BY updated_at DESC LIMIT 1`,
  );
  const update = db.prepare<[Record<string, unknown>], ConversationRow>(
    `UPDATE conversations SET
       thread_id = CASE WHEN @set_threadId THEN @threadId ELSE thread_id END,
       root_message_id = CASE WHEN @set_rootMessageId THEN @rootMessageId ELSE root_message_id END,
       model = COALESCE(@model, model),
       updated_at = @updatedAt
     WHERE id = @id RETURNING *`,
  );

  return {
    insert(conversation: ConversationRecord): void {
      insert.run({
        ...conversation,
        threadId: conversation.threadId ?? null,
        rootMessageId: conversation.rootMessageId ?? null,
      });
    },
    get(id: string): ConversationRecord | undefined {
      const row = select.get(id);
      return row && toConversation(row);
    },
    /** Either id may match either column: a Slack `thread_ts` and a Discord thread started from a message share the root message's id. */
    findByLocation(location: ConversationLocation): ConversationRecord | undefined {
      const { platform, workspaceId, channelId } = location;
      for (const id of [location.threadId, location.rootMessageId]) {
        if (id === undefined) continue;
        const row =
          byThread.get(platform, workspaceId, channelId, id) ?? byRoot.get(platform, workspaceId, channelId, id);
        if (row) return toConversation(row);
      }
      return undefined;
    },
    update(id: string, patch: ConversationPatch): ConversationRecord | undefined {
      const row = update.get({
        id,
        set_threadId: isSet(patch.threadId),
        threadId: patch.threadId ?? null,
        set_rootMessageId: isSet(patch.rootMessageId),
        rootMessageId: patch.rootMessageId ?? null,
        model: patch.model ?? null,
        updatedAt: patch.updatedAt,
      });
      return row && toConversation(row);
    },
  };
}
