import type { GeneratedImage } from '../image-provider.js';
import type { HistoryTurn, InputImage, PreviousTurn } from '../imagine-request.js';
import { chargedUnits, settledUnits } from '../jobs/quota.js';
import type { ImageRef, JobError, JobRecord, TurnRecord, UsageOutcome } from '../records.js';
import { ratioForImage } from '../size-mapping.js';
import { BlobCorruptError, BlobMissingError } from '../store.js';
import { isUserFacingError, UserFacingError } from '../user-facing-error.js';
import { validateRequest } from '../validate-request.js';
import { imagineRequestOf } from './build-request.js';
import { deliverJob } from './deliver-job.js';
import type { EngineContext } from './engine-context.js';
import { conversationExpired, describeJobError } from './job-errors.js';

/** Runs one queued job: resolve inputs, generate, store the bytes, deliver. Every transition is persisted. */
export async function runJob(context: EngineContext, queued: JobRecord): Promise<void> {
  const { store, events, now } = context;
  const job = await store.updateJob(
    queued.id,
    { state: 'running', startedAt: now(), updatedAt: now() },
    { ifStateIn: ['queued'] },
  );
  if (!job) return; // cancelled (or deleted) while it waited
  const controller = new AbortController();
  context.running.set(job.id, controller);
  const timeout = setTimeout(() => controller.abort(new JobTimeoutError()), context.settings.jobTimeoutMs);
  events.emit({ type: 'started', job });
  let units = job.costUnits;
  try {
    const turn = await store.getTurn(job.turnId);
    if (!turn) throw new UserFacingError('turn_missing', 'This turn was deleted before it could run.');
    const { images, refs, history, input, previousTurn } = await resolveInputs(context, job, turn);
    const { request, notices } = validateRequest(imagineRequestOf(input, images), {
      catalogue: context.catalogue,
      defaultModel: context.settings.defaultModel,
      randomSeed: context.randomSeed,
    });
    units = chargedUnits(request, context.provider.offline);
    events.emit({ type: 'progress', job, phase: 'generating' });
    const sent = { ...request, ...(history.length > 0 ? { history } : {}), ...(previousTurn ? { previousTurn } : {}) };
    const result = await context.provider.generate(sent, { signal: controller.signal });
    events.emit({ type: 'progress', job, phase: 'storing' });
    const outputs = await storeOutputs(context, result.images);
    const allNotices = [
      ...notices.map((notice) => notice.message),
      ...(result.notices ?? []),
      ...(result.offline
        ? ['Offline preview: no image API key is set, so this image comes from the local renderer.']
        : []),
    ];
    const parameters = {
      model: request.model.id,
      prompt: request.prompt,
      count: request.count,
      tier: request.tier,
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.negativePrompt !== undefined ? { negativePrompt: request.negativePrompt } : {}),
      ...(request.quality !== undefined ? { quality: request.quality } : {}),
      ...(request.aspectRatio !== undefined ? { aspectRatio: request.aspectRatio } : {}),
      ...(request.size !== undefined ? { size: request.size } : {}),
      ...(request.imageSize !== undefined ? { imageSize: request.imageSize } : {}),
      ...(request.background !== undefined ? { background: request.background } : {}),
      ...(request.promptExtend ? { extend: true } : {}),
      ...(request.mask ? { mask: true } : {}),
    };
    const generated = await store.updateTurnAndJob(
      {
        id: turn.id,
        patch: {
          parameters,
          inputImages: refs,
          outputImages: outputs,
          upstreamRequestIds: [...result.requestIds],
          notices: allNotices,
          ...(result.providerState !== undefined ? { providerState: result.providerState } : {}),
        },
      },
      {
        id: job.id,
        patch: { state: 'generated', costUnits: units, updatedAt: now() },
        options: { ifStateIn: ['running'] },
      },
    );
    await store.settleUsage(job.id, 'succeeded', settledUnits(units, request.count, outputs.length), outputs.length);
    await store.updateConversation(job.conversationId, { model: request.model.id, updatedAt: now() });
    clearTimeout(timeout);
    context.running.delete(job.id);
    if (generated.job) {
      const fresh = outputs.map((ref, index) => ({ ref, bytes: (result.images[index] as GeneratedImage).bytes }));
      await deliverJob(context, generated.job, fresh);
    }
  } catch (error) {
    clearTimeout(timeout);
    context.running.delete(job.id);
    await failJob(context, job, error, controller.signal, units);
  }
}

async function resolveInputs(context: EngineContext, job: JobRecord, turn: TurnRecord) {
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

async function storeOutputs(context: EngineContext, images: readonly GeneratedImage[]): Promise<ImageRef[]> {
  const refs: ImageRef[] = [];
  for (const image of images) {
    const hash = await context.blobs.put(image.bytes);
    const size =
      image.width && image.height ? { width: image.width, height: image.height } : await context.measure?.(image.bytes);
    refs.push({
      hash,
      mimeType: image.mimeType,
      byteLength: image.bytes.length,
      ...(size ? { width: size.width, height: size.height } : {}),
      ...(image.seed !== undefined ? { seed: image.seed } : {}),
    });
  }
  return refs;
}

class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
  constructor() {
    super('job timed out');
  }
}

async function failJob(context: EngineContext, job: JobRecord, error: unknown, signal: AbortSignal, units: number) {
  const { store, events, now } = context;
  const reason: unknown = signal.reason;
  if (signal.aborted && reason instanceof CancelledError) {
    const cancelled = await store.updateJob(
      job.id,
      { state: 'cancelled', finishedAt: now(), updatedAt: now() },
      { ifStateIn: ['running'] },
    );
    // The call may already have been sent (and billed): a cancel while running still counts.
    await store.settleUsage(job.id, 'failed', units);
    if (cancelled) events.emit({ type: 'cancelled', job: cancelled });
    return;
  }
  if (signal.aborted && reason instanceof ShutdownError) {
    await markInterrupted(context, job, units);
    return;
  }
  const timedOut = signal.aborted && reason instanceof JobTimeoutError;
  const described: JobError & { outcome: UsageOutcome; billed: boolean } = timedOut
    ? {
        code: 'timeout',
        message: 'This took longer than the time limit, so it was stopped. Please try again.',
        retryable: true,
        outcome: 'timeout',
        billed: true,
      }
    : describeJobError(error, context.newReferenceId);
  if (!isUserFacingError(error) || timedOut) {
    context.logger.warn(
      { jobId: job.id, reference: described.referenceId, code: described.code, err: error },
      'job failed',
    );
  }
  const { outcome, billed, ...jobError } = described;
  const failed = await store.updateJob(
    job.id,
    { state: 'failed', finishedAt: now(), updatedAt: now(), error: jobError },
    { ifStateIn: ['running'] },
  );
  await store.settleUsage(job.id, outcome, billed ? units : 0);
  if (failed) events.emit({ type: 'failed', job: failed, error: jobError });
}

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled by a member');
  }
}

export class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
  constructor() {
    super('the bot is shutting down');
  }
}

/**
 * A running job that will not finish in this process (shutdown, or found `running` after a crash): `interrupted`,
 * offered for Retry, never run again on its own. Its reservation counts, since the call may have been billed.
 */
export async function markInterrupted(context: EngineContext, job: JobRecord, units: number): Promise<void> {
  const { store, events, now } = context;
  const interrupted = await store.updateJob(
    job.id,
    { state: 'interrupted', finishedAt: now(), updatedAt: now(), error: interruptedError },
    { ifStateIn: ['running'] },
  );
  await store.settleUsage(job.id, 'failed', units);
  if (interrupted) events.emit({ type: 'interrupted', job: interrupted });
}

const interruptedError: JobError = {
  code: 'interrupted',
  message:
    'The bot restarted while this image was being made. Nothing was generated twice; press Retry to run it again.',
  retryable: true,
};
