import type { HistoryTurn, InputImage, PreviousTurn } from '../imagine-request.js';
import type { ImageRef, JobRecord, TurnRecord } from '../records.js';
import { ratioForImage } from '../size-mapping.js';
import { BlobCorruptError, BlobMissingError } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';
import type { BlobLease } from './blob-holds.js';
import type { EngineContext } from './engine-context.js';
import { conversationExpired } from './job-errors.js';
import { storeImages } from './store-images.js';

/**
 * The images a job sends, loaded when it starts: an edit's base (the picked output, or the latest delivered turn's
 * first), the stored attachments, the files its platform fetches now; the earlier turns for full context; and the
 * base image's shape when the member asked for none.
 */
export async function resolveInputs(
  context: EngineContext,
  job: JobRecord,
  turn: TurnRecord,
  signal: AbortSignal,
  lease: BlobLease,
) {
  const refs: ImageRef[] = [];
  let previousTurn: PreviousTurn | undefined;
  if (turn.action === 'edit') {
    const base = await baseImage(context, job, turn);
    if (base) refs.push(base.ref);
    // Native multi-turn continues from the turn the base image came from (its thought signatures).
    if (base?.turn.providerState !== undefined && base.turn.providerState !== null) {
      previousTurn = { providerState: base.turn.providerState, outputIndex: base.index };
    }
  }
  refs.push(...job.input.attachments);
  if (job.input.files && job.input.files.length > 0) refs.push(...(await fetchFiles(context, job, signal, lease)));
  const images = await Promise.all(refs.map((ref) => loadImage(context, ref)));
  let history: HistoryTurn[] = [];
  if (turn.action === 'edit' && context.settings.context === 'full') history = await historyOf(context, job, turn);
  // An edit keeps the base image's shape unless the member asked for another.
  let input = job.input;
  const first = refs[0];
  if (input.aspectRatio === undefined && input.size === undefined && first?.width && first.height) {
    const named = context.catalogue.find(input.model ?? context.settings.defaultModel);
    const model =
      named && named.maxInputImages === 0 && named.editSibling ? context.catalogue.find(named.editSibling) : named;
    const ratio = model ? ratioForImage(model, first.width, first.height) : undefined;
    if (ratio) input = { ...input, aspectRatio: ratio };
  }
  return { images, refs, history, input, previousTurn };
}

async function baseImage(
  context: EngineContext,
  job: JobRecord,
  turn: TurnRecord,
): Promise<{ ref: ImageRef; turn: TurnRecord; index: number } | undefined> {
  const picked = job.input.base;
  const source = picked
    ? await context.store.getTurn(picked.turnId)
    : await context.store.latestDeliveredTurn(turn.conversationId);
  if (!source) {
    if (picked) throw conversationExpired();
    if (job.input.attachments.length > 0) return undefined;
    throw new UserFacingError('nothing_to_edit', 'There is no finished image in this conversation to edit yet.');
  }
  const index = source.outputImages[picked?.index ?? 0] ? (picked?.index ?? 0) : 0;
  const ref = source.outputImages[index];
  if (!ref) throw new UserFacingError('nothing_to_edit', 'That turn has no image to edit.');
  return { ref, turn: source, index };
}

async function loadImage(context: EngineContext, ref: ImageRef): Promise<InputImage> {
  try {
    return { bytes: await context.blobs.get(ref.hash), mimeType: ref.mimeType };
  } catch (error) {
    if (error instanceof BlobMissingError) {
      throw conversationExpired(error);
    }
    if (error instanceof BlobCorruptError) {
      // Damaged storage is the operator's problem too: the member's message alone would hide it.
      context.logger.warn({ hash: ref.hash, actualHash: error.actualHash }, 'stored image is corrupt');
      throw new UserFacingError(
        'image_corrupt',
        'The image this starts from is damaged in storage, so it cannot be used. Attach it again or start a new conversation with /imagine.',
        { cause: error },
      );
    }
    throw error;
  }
}

async function historyOf(context: EngineContext, job: JobRecord, turn: TurnRecord): Promise<HistoryTurn[]> {
  const model = context.catalogue.find(job.input.model ?? context.settings.defaultModel);
  if (model?.family !== 'gemini') return [];
  const turns = (await context.store.listTurns(turn.conversationId)).filter(
    (earlier) => earlier.id !== turn.id && earlier.createdAt <= turn.createdAt && earlier.outputImages.length > 0,
  );
  // The latest output is already the edit's base image: history is what came before it.
  const earlier = turns.slice(0, -1);
  const history: HistoryTurn[] = [];
  let budget = context.settings.historyBudgetBytes;
  for (const past of earlier.reverse()) {
    const output = past.outputImages[0] as ImageRef;
    if (output.byteLength > budget) break;
    budget -= output.byteLength;
    const image = await loadImage(context, output);
    history.unshift({ role: 'user', text: past.instruction, images: [] }, { role: 'model', images: [image] });
  }
  return history;
}

/** The files a request shared, fetched by its platform now and stored like attachments. */
async function fetchFiles(
  context: EngineContext,
  job: JobRecord,
  signal: AbortSignal,
  lease: BlobLease,
): Promise<ImageRef[]> {
  const platform = context.platforms.get(job.platform);
  const files = job.input.files ?? [];
  if (!platform?.fetchFiles) {
    throw new UserFacingError(
      'attachment_unavailable',
      'The files shared with this request cannot be fetched any more; share them again.',
    );
  }
  return storeImages(context, await platform.fetchFiles(job, files, signal), lease);
}
