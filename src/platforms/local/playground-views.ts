import { upscaleLabel, upscaleStep } from '../../core/engine/upscale.js';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { JobRecord, TurnRecord } from '../../core/records.js';

/** A failed job's error as the page and the operator console show it: code, sentence and reference id. */
export function jobErrorPart(job: JobRecord) {
  return job.error
    ? {
        error: {
          code: job.error.code,
          message: job.error.message,
          ...(job.error.referenceId ? { referenceId: job.error.referenceId } : {}),
        },
      }
    : {};
}

/** When a job was made, started and finished (the last two once they happened). */
export function jobTimesPart(job: JobRecord) {
  return {
    createdAt: job.createdAt,
    ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt !== undefined ? { finishedAt: job.finishedAt } : {}),
  };
}

/** A job as the page shows it: its state, place in line, times and, when it failed, the sentence and reference. */
export function jobView(job: JobRecord, position: number | undefined, state = job.state) {
  return {
    id: job.id,
    state,
    ...(position !== undefined ? { position } : {}),
    ...jobErrorPart(job),
    retryable: job.error?.retryable ?? false,
    ...jobTimesPart(job),
  };
}

export type JobView = ReturnType<typeof jobView>;

/** The Upscale button's label where the turn's model makes a larger size (undefined: no button), as on every platform. */
export function upscaleLabelOf(
  catalogue: ModelCatalogue | undefined,
  turn: TurnRecord | undefined,
): string | undefined {
  const step = catalogue && turn?.parameters ? upscaleStep(catalogue, turn.parameters) : undefined;
  return step ? upscaleLabel(step) : undefined;
}

/**
 * A turn as the page shows it: who asked what and when, what it started from, the parameters that reproduce it, its
 * images (read through the API with the page's token), the Upscale label when it has images and a larger size (so a
 * reloaded thread shows the button too), and its job.
 */
export function turnView(
  turn: TurnRecord,
  job: JobView | undefined,
  base: JobRecord['input']['base'] | undefined,
  catalogue: ModelCatalogue | undefined,
) {
  const p = turn.parameters;
  const upscale = turn.outputImages.length > 0 ? upscaleLabelOf(catalogue, turn) : undefined;
  const imageUrl = (turnId: string, index: number) => `/api/turns/${turnId}/images/${index}`;
  return {
    turnId: turn.id,
    conversationId: turn.conversationId,
    action: turn.action,
    instruction: turn.instruction,
    author: turn.authorId,
    createdAt: turn.createdAt,
    ...(turn.parentTurnId ? { parentTurnId: turn.parentTurnId } : {}),
    ...(base ? { base: { turnId: base.turnId, index: base.index, url: imageUrl(base.turnId, base.index) } } : {}),
    attachments: Math.max(0, turn.inputImages.length - (base ? 1 : 0)),
    ...(p
      ? {
          parameters: {
            model: p.model,
            count: p.count,
            ...(p.size ? { size: p.size } : {}),
            ...(p.aspectRatio ? { aspectRatio: p.aspectRatio } : {}),
            ...(p.imageSize ? { imageSize: p.imageSize } : {}),
            ...(p.quality ? { quality: p.quality } : {}),
            ...(p.seed !== undefined ? { seed: p.seed } : {}),
          },
        }
      : {}),
    notices: turn.notices,
    ...(upscale ? { upscale } : {}),
    images: turn.outputImages.map((ref, index) => ({
      url: imageUrl(turn.id, index),
      mimeType: ref.mimeType,
      ...(ref.seed !== undefined ? { seed: ref.seed } : {}),
      ...(ref.width !== undefined ? { width: ref.width, height: ref.height } : {}),
    })),
    ...(job ? { job } : {}),
  };
}
