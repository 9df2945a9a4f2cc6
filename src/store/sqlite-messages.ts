import type Database from 'better-sqlite3';
import type { Platform } from '../core/records.js';
import type { MessageLink } from '../core/store.js';
import { type MessageLinkRow, toMessageLink } from './sqlite-rows.js';

export function prepareMessageStatements(db: Database.Database, now: () => number) {
  const upsert = db.prepare(
    `INSERT INTO message_links
       (platform, channel_id, message_id, workspace_id, conversation_id, turn_id, output_index, created_at)
     VALUES (@platform, @channelId, @messageId, @workspaceId, @conversationId, @turnId, @outputIndex, @createdAt)
     ON CONFLICT (platform, channel_id, message_id) DO UPDATE SET
       workspace_id = excluded.workspace_id, conversation_id = excluded.conversation_id,
       turn_id = excluded.turn_id, output_index = excluded.output_index`,
  );
  const select = db.prepare<[Platform, string, string], MessageLinkRow>(
    'SELECT * FROM message_links WHERE platform = ? AND channel_id = ? AND message_id = ?',
  );
  const ofTurn = db.prepare<[string], MessageLinkRow>(
    'SELECT * FROM message_links WHERE turn_id = ? ORDER BY created_at, message_id',
  );

  return {
    link(link: MessageLink): void {
      upsert.run({
        platform: link.platform,
        channelId: link.channelId,
        messageId: link.messageId,
        workspaceId: link.workspaceId,
        conversationId: link.conversationId,
        turnId: link.turnId,
        outputIndex: link.outputIndex ?? null,
        createdAt: now(),
      });
    },
    find(platform: Platform, channelId: string, messageId: string): MessageLink | undefined {
      const row = select.get(platform, channelId, messageId);
      return row && toMessageLink(row);
    },
    listOfTurn(turnId: string): MessageLink[] {
      return ofTurn.all(turnId).map(toMessageLink);
    },
  };
}
