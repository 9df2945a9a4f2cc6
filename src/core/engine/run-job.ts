import type { GeneratedImage } from '../image-provider.js';
import { chargedUnits, settledUnits } from '../jobs/quota.js';
import type { JobRecord } from '../records.js';
import { UserFacingError } from '../user-facing-error.js';
import { validateRequest } from '../validate-request.js';
import { imagineRequestOf } from './build-request.js';
import { deliverJob } from './deliver-job.js';
import type { EngineContext } from './engine-context.js';
import { failJob, JobTimeoutError } from './job-endings.js';
import { resolveInputs } from './job-inputs.js';
import { storeOutputs } from './store-images.js';

/** Runs one queued job: resolve inputs, generate, store the bytes, deliver. Every transition is persisted. */
export async function runJob(context: EngineContext, queued: JobRecord): Promise<void> {
  const { store, events, now } = context;
  // A job whose status message is being posted starts once it is there, or once it cannot be (the platform then
  // cancels it): nothing is generated for a request nobody could be shown.
  const platform = context.platforms.get(queued.platform);
  if (platform?.awaitsStatus(context.status.current(queued))) {
    await context.status.drained(queued.id, context.settings.statusWaitMs);
    // On a shared queue the process that took the request posts the status message: its ids arrive in the store.
    if (context.queue.abortElsewhere) await storedStatus(context, queued, platform.awaitsStatus);
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
  // What it stores (fetched files, outputs) is held until its turn refers to it.
  const lease = context.blobHolds.lease();
  try {
    const turn = await store.getTurn(job.turnId);
    if (!turn) throw new UserFacingError('turn_missing', 'This turn was deleted before it could run.');
    const { images, refs, history, input, previousTurn } = await resolveInputs(
      context,
      job,
      turn,
      controller.signal,
      lease,
    );
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
    const outputs = await storeOutputs(context, result.images, lease);
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
    lease.release();
    await store.settleUsage(job.id, 'succeeded', settledUnits(units, request.count, outputs.length), outputs.length);
    await store.updateConversation(job.conversationId, { model: request.model.id, updatedAt: now() });
    clearTimeout(timeout);
    context.running.delete(job.id);
    if (generated.job) {
      const fresh = outputs.map((ref, index) => ({ ref, bytes: (result.images[index] as GeneratedImage).bytes }));
      await deliverJob(context, generated.job, fresh);
    }
  } catch (error) {
    lease.release();
    clearTimeout(timeout);
    context.running.delete(job.id);
    await failJob(context, job, error, controller.signal, units);
  }
}

/** Waits (at most `statusWaitMs`) until the stored job has its status message, or is no longer queued. */
async function storedStatus(
  context: EngineContext,
  queued: JobRecord,
  awaits: (job: JobRecord) => boolean,
): Promise<void> {
  const until = context.now() + context.settings.statusWaitMs;
  for (;;) {
    const stored = await context.store.getJob(queued.id);
    if (stored?.state !== 'queued' || !awaits(stored) || context.now() >= until) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
