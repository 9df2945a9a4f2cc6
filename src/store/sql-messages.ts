import type { Platform } from '../core/records.js';
import type { MessageLink } from '../core/store.js';
import type { SqlExecutor } from './sql-database.js';
import { type MessageLinkRow, toMessageLink } from './sql-rows.js';
import { sql } from './sql-statement.js';

const upsert = sql(
  `INSERT INTO message_links
     (platform, channel_id, message_id, workspace_id, conversation_id, turn_id, output_index, created_at)
   VALUES (@platform, @channelId, @messageId, @workspaceId, @conversationId, @turnId, @outputIndex, @createdAt)
   ON CONFLICT (platform, channel_id, message_id) DO UPDATE SET
     workspace_id = excluded.workspace_id, conversation_id = excluded.conversation_id,
     turn_id = excluded.turn_id, output_index = excluded.output_index`,
);
const select = sql(
  'SELECT * FROM message_links WHERE platform = @platform AND channel_id = @channelId AND message_id = @messageId',
);
const ofTurn = sql('SELECT * FROM message_links WHERE turn_id = @turnId ORDER BY created_at, message_id');

export const messageQueries = {
  async link(db: SqlExecutor, link: MessageLink, now: number): Promise<void> {
    await db.run(upsert, {
      platform: link.platform,
      channelId: link.channelId,
      messageId: link.messageId,
      workspaceId: link.workspaceId,
      conversationId: link.conversationId,
      turnId: link.turnId,
      outputIndex: link.outputIndex ?? null,
      createdAt: now,
    });
  },
  async find(db: SqlExecutor, platform: Platform, channelId: string, messageId: string) {
    const row = await db.get<MessageLinkRow>(select, { platform, channelId, messageId });
    return row && toMessageLink(row);
  },
  async listOfTurn(db: SqlExecutor, turnId: string): Promise<MessageLink[]> {
    return (await db.all<MessageLinkRow>(ofTurn, { turnId })).map(toMessageLink);
  },
};
