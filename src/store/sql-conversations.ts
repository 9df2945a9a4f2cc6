import type { ConversationLocation, ConversationRecord } from '../core/records.js';
import type { ConversationListQuery, ConversationPatch, ConversationSummary } from '../core/store.js';
import type { SqlExecutor } from './sql-database.js';
import { type ConversationRow, isSet, toConversation } from './sql-rows.js';
import { sql } from './sql-statement.js';

const insert = sql(
  `INSERT INTO conversations
     (id, platform, workspace_id, channel_id, thread_id, root_message_id, owner_id, model, created_at, updated_at)
   VALUES (@id, @platform, @workspaceId, @channelId, @threadId, @rootMessageId, @ownerId, @model, @createdAt, @updatedAt)`,
);
const select = sql('SELECT * FROM conversations WHERE id = @id');
const byThread = sql(
  `SELECT * FROM conversations
   WHERE platform = @platform AND workspace_id = @workspaceId AND channel_id = @channelId AND thread_id = @id
   ORDER BY updated_at DESC LIMIT 1`,
);
const byRoot = sql(
  `SELECT * FROM conversations
   WHERE platform = @platform AND workspace_id = @workspaceId AND channel_id = @channelId AND root_message_id = @id
   ORDER BY updated_at DESC LIMIT 1`,
);
const ofOwner = sql(
  `SELECT c.*,
     (SELECT t.instruction FROM turns t WHERE t.conversation_id = c.id ORDER BY t.created_at, t.rowid LIMIT 1) AS title,
     (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS turn_count
   FROM conversations c
   WHERE c.platform = @platform AND c.workspace_id = @workspaceId AND c.owner_id = @ownerId
   ORDER BY c.updated_at DESC, c.id LIMIT @limit`,
);
const update = sql(
  `UPDATE conversations SET
     thread_id = CASE WHEN @setThreadId = 1 THEN @threadId ELSE thread_id END,
     root_message_id = CASE WHEN @setRootMessageId = 1 THEN @rootMessageId ELSE root_message_id END,
     model = COALESCE(@model, model),
     updated_at = @updatedAt
   WHERE id = @id RETURNING *`,
);

export const conversationQueries = {
  async insert(db: SqlExecutor, conversation: ConversationRecord): Promise<void> {
    await db.run(insert, {
      id: conversation.id,
      platform: conversation.platform,
      workspaceId: conversation.workspaceId,
      channelId: conversation.channelId,
      threadId: conversation.threadId ?? null,
      rootMessageId: conversation.rootMessageId ?? null,
      ownerId: conversation.ownerId,
      model: conversation.model,
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
    });
  },
  async get(db: SqlExecutor, id: string): Promise<ConversationRecord | undefined> {
    const row = await db.get<ConversationRow>(select, { id });
    return row && toConversation(row);
  },
  /** Either id may match either column: a Slack `thread_ts` and a Discord thread started from a message share the root message's id. */
  async findByLocation(db: SqlExecutor, location: ConversationLocation): Promise<ConversationRecord | undefined> {
    const { platform, workspaceId, channelId } = location;
    for (const id of [location.threadId, location.rootMessageId]) {
      if (id === undefined) continue;
      const params = { platform, workspaceId, channelId, id };
      const row = (await db.get<ConversationRow>(byThread, params)) ?? (await db.get<ConversationRow>(byRoot, params));
      if (row) return toConversation(row);
    }
    return undefined;
  },
  async update(db: SqlExecutor, id: string, patch: ConversationPatch): Promise<ConversationRecord | undefined> {
    const row = await db.get<ConversationRow>(update, {
      id,
      setThreadId: isSet(patch.threadId),
      threadId: patch.threadId ?? null,
      setRootMessageId: isSet(patch.rootMessageId),
      rootMessageId: patch.rootMessageId ?? null,
      model: patch.model ?? null,
      updatedAt: patch.updatedAt,
    });
    return row && toConversation(row);
  },
  async listOfOwner(db: SqlExecutor, query: ConversationListQuery): Promise<ConversationSummary[]> {
    const rows = await db.all<ConversationRow & { title: string | null; turn_count: number | string }>(ofOwner, {
      platform: query.platform,
      workspaceId: query.workspaceId,
      ownerId: query.ownerId,
      limit: query.limit,
    });
    // PostgreSQL's COUNT is a bigint, which pg returns as text.
    return rows.map((row) => ({
      conversation: toConversation(row),
      title: row.title ?? '',
      turns: Number(row.turn_count),
    }));
  },
};
