import type { GeneratedImage } from '../image-provider.js';
import { chargedUnits } from '../jobs/quota.js';
import type { JobError, JobRecord, UsageOutcome } from '../records.js';
import { isUserFacingError, UserFacingError } from '../user-facing-error.js';
import { validateRequest } from '../validate-request.js';
import { imagineRequestOf } from './build-request.js';
import { deliverJob } from './deliver-job.js';
import type { EngineContext } from './engine-context.js';
import { describeJobError } from './job-errors.js';
import { resolveInputs } from './job-inputs.js';
import { storeOutputs } from './store-images.js';

/** Runs one queued job: resolve inputs, generate, store the bytes, deliver. Every transition is persisted. */
export async function runJob(context: EngineContext, queued: JobRecord): Promise<void> {
  const { store, events, now } = context;
  // A job whose status message is being posted starts once it is there, or once it cannot be (the platform then
  // cancels it): nothing is generated for a request nobody could be shown.
  if (context.platforms.get(queued.platform)?.awaitsStatus(context.status.current(queued))) {
    await context.status.drained(queued.id, context.settings.statusWaitMs);
  }
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
    const { images, refs, history, input, previousTurn } = await resolveInputs(context, job, turn, controller.signal);
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
    const perImage = request.count > 0 ? units / request.count : units;
    await store.settleUsage(job.id, 'succeeded', Math.round(perImage * outputs.length * 100) / 100, outputs.length);
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
