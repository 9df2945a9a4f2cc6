import type { ImageRef, TurnRecord } from '../core/records.js';
import type { TurnPatch } from '../core/store.js';
import type { SqlExecutor } from './sql-database.js';
import { isSet, json, type TurnRow, toTurn } from './sql-rows.js';
import { sql } from './sql-statement.js';

export type ImageRole = 'input' | 'output' | 'attachment';

const insert = sql(
  `INSERT INTO turns (id, conversation_id, parent_turn_id, author_id, action, instruction, parameters, input_images,
     output_images, output_count, job_id, upstream_request_ids, provider_state, notices, created_at)
   VALUES (@id, @conversationId, @parentTurnId, @authorId, @action, @instruction, @parameters, @inputImages,
     @outputImages, @outputCount, @jobId, @upstreamRequestIds, @providerState, @notices, @createdAt)`,
);
const select = sql('SELECT * FROM turns WHERE id = @id');
const update = sql(
  `UPDATE turns SET
     parameters = CASE WHEN @setParameters = 1 THEN @parameters ELSE parameters END,
     input_images = COALESCE(@inputImages, input_images),
     output_images = COALESCE(@outputImages, output_images),
     output_count = COALESCE(@outputCount, output_count),
     upstream_request_ids = COALESCE(@upstreamRequestIds, upstream_request_ids),
     provider_state = CASE WHEN @setProviderState = 1 THEN @providerState ELSE provider_state END,
     notices = COALESCE(@notices, notices),
     job_id = COALESCE(@jobId, job_id)
   WHERE id = @id RETURNING *`,
);
const list = sql('SELECT * FROM turns WHERE conversation_id = @conversationId ORDER BY created_at, rowid');
const latestDelivered = sql(
  `SELECT t.* FROM turns t JOIN jobs j ON j.id = t.job_id
   WHERE t.conversation_id = @conversationId AND t.output_count > 0 AND j.state IN ('generated', 'delivered')
   ORDER BY t.created_at DESC, t.rowid DESC LIMIT 1`,
);
// Every hash of one role in one statement (one round trip on PostgreSQL, however many images). `WHERE true`: SQLite
// would read the ON of ON CONFLICT as a join's.
const insertRefs = sql(
  `INSERT INTO image_refs (turn_id, role, hash)
   SELECT CAST(@turnId AS TEXT), CAST(@role AS TEXT), value FROM JSON_VALUES(@hashes) AS list WHERE true
   ON CONFLICT DO NOTHING`,
);
const deleteRefs = sql('DELETE FROM image_refs WHERE turn_id = @turnId AND role = @role');

async function addRefs(db: SqlExecutor, turnId: string, role: ImageRole, images: readonly ImageRef[]): Promise<void> {
  if (images.length === 0) return;
  await db.run(insertRefs, { turnId, role, hashes: JSON.stringify(images.map((image) => image.hash)) });
}

async function replaceRefs(
  db: SqlExecutor,
  turnId: string,
  role: ImageRole,
  images: readonly ImageRef[] | undefined,
): Promise<void> {
  if (images === undefined) return;
  await db.run(deleteRefs, { turnId, role });
  await addRefs(db, turnId, role, images);
}

const jsonOrNull = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

export const turnQueries = {
  /** Call inside a transaction (the turn row and its image refs). */
  async insert(db: SqlExecutor, turn: TurnRecord): Promise<void> {
    await db.run(insert, {
      id: turn.id,
      conversationId: turn.conversationId,
      parentTurnId: turn.parentTurnId ?? null,
      authorId: turn.authorId,
      action: turn.action,
      instruction: turn.instruction,
      parameters: json(turn.parameters),
      inputImages: JSON.stringify(turn.inputImages),
      outputImages: JSON.stringify(turn.outputImages),
      outputCount: turn.outputImages.length,
      jobId: turn.jobId,
      upstreamRequestIds: JSON.stringify(turn.upstreamRequestIds),
      providerState: json(turn.providerState),
      notices: JSON.stringify(turn.notices),
      createdAt: turn.createdAt,
    });
    await addRefs(db, turn.id, 'input', turn.inputImages);
    await addRefs(db, turn.id, 'output', turn.outputImages);
  },
  /**
   * Call inside a transaction (the turn row and its image refs). The row is updated first: on PostgreSQL its row
   * lock orders two updates of one turn, so their image refs never mix.
   */
  async update(db: SqlExecutor, id: string, patch: TurnPatch): Promise<TurnRecord | undefined> {
    const row = await db.get<TurnRow>(update, {
      id,
      setParameters: isSet(patch.parameters),
      parameters: json(patch.parameters),
      inputImages: jsonOrNull(patch.inputImages),
      outputImages: jsonOrNull(patch.outputImages),
      outputCount: patch.outputImages?.length ?? null,
      upstreamRequestIds: jsonOrNull(patch.upstreamRequestIds),
      setProviderState: isSet(patch.providerState),
      providerState: json(patch.providerState),
      notices: jsonOrNull(patch.notices),
      jobId: patch.jobId ?? null,
    });
    if (!row) return undefined;
    await replaceRefs(db, id, 'input', patch.inputImages);
    await replaceRefs(db, id, 'output', patch.outputImages);
    return toTurn(row);
  },
  async get(db: SqlExecutor, id: string): Promise<TurnRecord | undefined> {
    const row = await db.get<TurnRow>(select, { id });
    return row && toTurn(row);
  },
  async list(db: SqlExecutor, conversationId: string): Promise<TurnRecord[]> {
    return (await db.all<TurnRow>(list, { conversationId })).map(toTurn);
  },
  async latestDelivered(db: SqlExecutor, conversationId: string): Promise<TurnRecord | undefined> {
    const row = await db.get<TurnRow>(latestDelivered, { conversationId });
    return row && toTurn(row);
  },
  /** Job attachments are refs of the job's turn, so they live and die with it. */
  addAttachmentRefs: (db: SqlExecutor, turnId: string, images: readonly ImageRef[]) =>
    addRefs(db, turnId, 'attachment', images),
};
