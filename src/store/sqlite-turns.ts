import type Database from 'better-sqlite3';
import type { ImageRef, TurnRecord } from '../core/records.js';
import type { TurnPatch } from '../core/store.js';
import { isSet, json, type TurnRow, toTurn } from './sqlite-rows.js';

export type ImageRole = 'input' | 'output' | 'attachment';
export type TurnStatements = ReturnType<typeof prepareTurnStatements>;

export function prepareTurnStatements(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO turns (id, conversation_id, parent_turn_id, author_id, action, instruction, parameters, input_images,
       output_images, output_count, job_id, upstream_request_ids, provider_state, notices, created_at)
     VALUES (@id, @conversationId, @parentTurnId, @authorId, @action, @instruction, @parameters, @inputImages,
       @outputImages, @outputCount, @jobId, @upstreamRequestIds, @providerState, @notices, @createdAt)`,
  );
  const select = db.prepare<[string], TurnRow>('SELECT * FROM turns WHERE id = ?');
  const update = db.prepare<[Record<string, unknown>], TurnRow>(
    `UPDATE turns SET
       parameters = CASE WHEN @set_parameters THEN @parameters ELSE parameters END,
       input_images = COALESCE(@inputImages, input_images),
       output_images = COALESCE(@outputImages, output_images),
       output_count = COALESCE(@outputCount, output_count),
       upstream_request_ids = COALESCE(@upstreamRequestIds, upstream_request_ids),
       provider_state = CASE WHEN @set_providerState THEN @providerState ELSE provider_state END,
       notices = COALESCE(@notices, notices),
       job_id = COALESCE(@jobId, job_id)
     WHERE id = @id RETURNING *`,
  );
  const list = db.prepare<[string], TurnRow>(
    'SELECT * FROM turns WHERE conversation_id = ? ORDER BY created_at, rowid',
  );
  const latestDelivered = db.prepare<[string], TurnRow>(
    `SELECT t.* FROM turns t JOIN jobs j ON j.id = t.job_id
     WHERE t.conversation_id = ? AND t.output_count > 0 AND j.state IN ('generated', 'delivered')
     ORDER BY t.created_at DESC, t.rowid DESC LIMIT 1`,
  );
  const insertRef = db.prepare<[string, ImageRole, string]>(
    'INSERT OR IGNORE INTO image_refs (turn_id, role, hash) VALUES (?, ?, ?)',
  );
  const deleteRefs = db.prepare<[string, ImageRole]>('DELETE FROM image_refs WHERE turn_id = ? AND role = ?');

  function addRefs(turnId: string, role: ImageRole, images: readonly ImageRef[]): void {
    for (const image of images) insertRef.run(turnId, role, image.hash);
  }
  function replaceRefs(turnId: string, role: ImageRole, images: readonly ImageRef[] | undefined): void {
    if (images === undefined) return;
    deleteRefs.run(turnId, role);
    addRefs(turnId, role, images);
  }

  return {
    /** Call inside a transaction (the turn row and its image refs). */
    insert(turn: TurnRecord): void {
      insert.run({
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
      addRefs(turn.id, 'input', turn.inputImages);
      addRefs(turn.id, 'output', turn.outputImages);
    },
    /** Call inside a transaction (the turn row and its image refs). */
    update(id: string, patch: TurnPatch): TurnRecord | undefined {
      const row = update.get({
        id,
        set_parameters: isSet(patch.parameters),
        parameters: json(patch.parameters),
        inputImages: patch.inputImages ? JSON.stringify(patch.inputImages) : null,
        outputImages: patch.outputImages ? JSON.stringify(patch.outputImages) : null,
        outputCount: patch.outputImages?.length ?? null,
        upstreamRequestIds: patch.upstreamRequestIds ? JSON.stringify(patch.upstreamRequestIds) : null,
        set_providerState: isSet(patch.providerState),
        providerState: json(patch.providerState),
        notices: patch.notices ? JSON.stringify(patch.notices) : null,
        jobId: patch.jobId ?? null,
      });
      if (!row) return undefined;
      replaceRefs(id, 'input', patch.inputImages);
      replaceRefs(id, 'output', patch.outputImages);
      return toTurn(row);
    },
    get(id: string): TurnRecord | undefined {
      const row = select.get(id);
      return row && toTurn(row);
    },
    list(conversationId: string): TurnRecord[] {
      return list.all(conversationId).map(toTurn);
    },
    latestDelivered(conversationId: string): TurnRecord | undefined {
      const row = latestDelivered.get(conversationId);
      return row && toTurn(row);
    },
    /** Job attachments are refs of the job's turn, so they live and die with it. */
    addAttachmentRefs(turnId: string, images: readonly ImageRef[]): void {
      addRefs(turnId, 'attachment', images);
    },
  };
}
