import { withoutUndefined } from '../defined.js';
import type { ImageProvider } from '../image-provider.js';
import { type JobEventListener, JobEvents } from '../jobs/job-events.js';
import { createInProcessQueue } from '../jobs/job-queue.js';
import { checkQuota } from '../jobs/quota.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type {
  ConversationLocation,
  ConversationRecord,
  DeliveryTarget,
  JobRecord,
  Platform,
  TurnRecord,
} from '../records.js';
import type { BlobStore, MessageLink, Store } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';
import { deliverJob } from './deliver-job.js';
import { type EngineContext, type EngineSettings, engineDefaults } from './engine-context.js';
import type { Deliverer, EngineLogger, InboundRequest, Requester, SubmitResult } from './engine-types.js';
import { conversationExpired, shuttingDown } from './job-errors.js';
import { CancelledError, markInterrupted, runJob, ShutdownError } from './run-job.js';
import { prepareSubmission } from './submit-job.js';

export interface ConversationEngineConfig {
  readonly store: Store;
  readonly blobs: BlobStore;
  readonly provider: ImageProvider;
  readonly catalogue: ModelCatalogue;
  readonly logger: EngineLogger;
  readonly settings: Partial<EngineSettings> & { readonly defaultModel: string };
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly randomSeed?: () => number;
  readonly newReferenceId?: () => string;
  readonly measure?: EngineContext['measure'];
}

/** The engine both platforms share: after it, a platform adapter only translates. */
export interface ConversationEngine {
  /** Validates, records (idempotently) and queues a delivery. Bad input throws a UserFacingError and makes no job. */
  submit(inbound: InboundRequest): Promise<SubmitResult>;
  /**
   * What `submit` would refuse (flags, model, quota), checked without writing anything: platforms call it before
   * they acknowledge, so a bad request gets an ephemeral answer and makes no job. Attachments may be placeholders.
   */
  precheck(inbound: InboundRequest): Promise<{ readonly notices: readonly string[]; readonly duplicate?: boolean }>;
  /** Runs a failed or interrupted job's turn again as a new job (the member asked: Retry). */
  retry(jobId: string, requester: Requester, idempotencyKey: string, delivery?: DeliveryTarget): Promise<SubmitResult>;
  /** Delivers a `generated` or `delivery_failed` job again from stored bytes: never generates again. */
  redeliver(jobId: string): Promise<JobRecord | undefined>;
  cancel(jobId: string, requester: Requester): Promise<JobRecord>;
  /** Deletes a turn and its stored images; returns the platform messages to delete. */
  deleteTurn(turnId: string, requester: Requester): Promise<MessageLink[]>;
  findConversation(location: ConversationLocation): Promise<ConversationRecord | undefined>;
  findMessage(platform: Platform, channelId: string, messageId: string): Promise<MessageLink | undefined>;
  linkMessage(link: MessageLink): Promise<void>;
  updateConversation(id: string, patch: { threadId?: string; rootMessageId?: string }): Promise<void>;
  /** Stores delivery ids on a job (the message id of a Discord deferral, a Slack status ts). */
  updateDelivery(jobId: string, delivery: Partial<DeliveryTarget>): Promise<JobRecord | undefined>;
  getJob(jobId: string): Promise<JobRecord | undefined>;
  getTurn(turnId: string): Promise<TurnRecord | undefined>;
  position(jobId: string): number | undefined;
  registerDeliverer(platform: Platform, deliverer: Deliverer): void;
  onEvent(listener: JobEventListener): () => void;
  /** Recovers after a restart: running → interrupted (members told), generated → delivered, queued → resumed. */
  start(): Promise<{ resumed: number; interrupted: number; redelivered: number }>;
  /** Deletes conversations and images older than the retention time. */
  cleanExpired(): Promise<{ conversations: number; images: number }>;
  /** Stops taking work, lets running jobs finish for a moment, marks the rest interrupted. */
  shutdown(): Promise<void>;
  readonly stats: { readonly waiting: number; readonly running: number };
}

export function createConversationEngine(config: ConversationEngineConfig): ConversationEngine {
  const settings: EngineSettings = { ...engineDefaults, ...config.settings } as EngineSettings;
  const events = new JobEvents((error, event) =>
    config.logger.error({ err: error, event: event.type, jobId: event.job.id }, 'job event listener failed'),
  );
  const context: EngineContext = {
    store: config.store,
    blobs: config.blobs,
    provider: config.provider,
    catalogue: config.catalogue,
    settings,
    logger: config.logger,
    events,
    deliverers: new Map(),
    now: config.now ?? Date.now,
    newId: config.newId ?? (() => globalThis.crypto.randomUUID()),
    randomSeed: config.randomSeed ?? (() => Math.floor(Math.random() * 2_147_483_647)),
    newReferenceId: config.newReferenceId ?? (() => globalThis.crypto.randomUUID().slice(0, 8).toUpperCase()),
    ...(config.measure ? { measure: config.measure } : {}),
    running: new Map(),
  };
  const queue = createInProcessQueue({ concurrency: settings.concurrency, run: (job) => runJob(context, job) });
  let accepting = true;

  async function enqueue(job: JobRecord): Promise<number> {
    const position = queue.enqueue(job);
    events.emit({ type: 'queued', job, position });
    return position;
  }

  async function submitPrepared(inbound: InboundRequest, retryOf?: JobRecord): Promise<SubmitResult> {
    if (!accepting) throw shuttingDown();
    const { store } = context;
    // A repeated delivery is answered as a duplicate before anything is validated again: a retry that arrives after
    // the member reached a quota, or after the conversation expired, must not turn into a refusal.
    const earlier = await findDuplicate(inbound.idempotencyKey);
    if (earlier) return { status: 'duplicate', job: earlier };
    if (
      inbound.target &&
      (inbound.action === 'reroll' || inbound.action === 'variations' || inbound.action === 'edit')
    ) {
      const pending = await store.findPendingJob(inbound.memberId, inbound.target.turnId, inbound.action);
      if (pending && inbound.action !== 'edit') return { status: 'duplicate', job: pending };
    }
    const prepared = retryOf ? await prepareRetry(retryOf, inbound) : await prepareSubmission(context, inbound);
    const result = await store.createJobWithKey(inbound.idempotencyKey, {
      ...(prepared.isNewConversation ? { conversation: prepared.conversation } : {}),
      ...(retryOf ? {} : { turn: prepared.turn }),
      job: prepared.job,
    });
    if (!result.created) {
      const existing = await store.getJob(result.jobId);
      if (existing) return { status: 'duplicate', job: existing };
      throw new UserFacingError('duplicate', 'This request was already handled.');
    }
    if (retryOf) await store.updateTurn(prepared.turn.id, { jobId: prepared.job.id });
    await store.recordUsage({
      id: prepared.job.id,
      at: prepared.job.createdAt,
      platform: prepared.job.platform,
      workspaceId: prepared.job.workspaceId,
      memberId: prepared.job.memberId,
      model: prepared.conversation.model,
      tier: prepared.tier,
      count: prepared.job.input.count ?? 1,
      outcome: 'reserved',
      costUnits: prepared.job.costUnits,
      jobId: prepared.job.id,
    });
    await store.updateConversation(prepared.conversation.id, { updatedAt: context.now() });
    const position = await enqueue(prepared.job);
    return { status: 'queued', ...prepared, position };
  }

  async function prepareRetry(previous: JobRecord, inbound: InboundRequest) {
    const [turn, conversation] = await Promise.all([
      context.store.getTurn(previous.turnId),
      context.store.getConversation(previous.conversationId),
    ]);
    if (!turn || !conversation) throw conversationExpired();
    // A retry is another upstream call: it reserves against the same quota as a new request.
    await checkQuota(
      context.store,
      {
        platform: inbound.platform,
        workspaceId: inbound.workspaceId,
        memberId: inbound.memberId,
        exempt: inbound.isAdmin === true,
      },
      previous.costUnits,
      settings.quota,
      await context.store.getServerSettings(inbound.platform, inbound.workspaceId),
      context.now(),
    );
    const at = context.now();
    const job: JobRecord = {
      ...previous,
      id: context.newId(),
      memberId: inbound.memberId,
      state: 'queued',
      delivery: inbound.delivery,
      idempotencyKey: inbound.idempotencyKey,
      createdAt: at,
      updatedAt: at,
    };
    delete (job as { error?: unknown }).error;
    delete (job as { startedAt?: unknown }).startedAt;
    delete (job as { finishedAt?: unknown }).finishedAt;
    const tier = turn.parameters?.tier ?? '1K';
    return { conversation, isNewConversation: false, turn, job, notices: [] as string[], tier };
  }

  /** The turn's newest job (a retry points the turn at its new job). */
  async function currentJobOfTurn(job: JobRecord): Promise<JobRecord> {
    const turn = await context.store.getTurn(job.turnId);
    if (!turn || turn.jobId === job.id) return job;
    return (await context.store.getJob(turn.jobId)) ?? job;
  }

  /** Resolves once no job runs, or after `ms`, whichever comes first. */
  async function idleWithin(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const elapsed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([queue.idle(), elapsed]);
    clearTimeout(timer);
  }

  async function findDuplicate(key: string): Promise<JobRecord | undefined> {
    const jobId = await context.store.findIdempotencyKey(key);
    return jobId ? context.store.getJob(jobId) : undefined;
  }

  async function requireJob(jobId: string): Promise<JobRecord> {
    const job = await context.store.getJob(jobId);
    if (!job) throw new UserFacingError('job_missing', 'That request is no longer stored.');
    return job;
  }

  return {
    submit: (inbound) => submitPrepared(inbound),
    async precheck(inbound) {
      if (!accepting) throw shuttingDown();
      if (await findDuplicate(inbound.idempotencyKey)) return { notices: [], duplicate: true };
      const prepared = await prepareSubmission(context, inbound, { dryRun: true });
      return { notices: prepared.notices };
    },
    async retry(jobId, requester, idempotencyKey, delivery) {
      // Retry pressed on an older notice (or pressed twice) acts on the turn as it is now: its newest job.
      const previous = await currentJobOfTurn(await requireJob(jobId));
      if (!['failed', 'interrupted', 'cancelled'].includes(previous.state)) {
        if (previous.state === 'delivery_failed') {
          await this.redeliver(previous.id);
          return { status: 'duplicate', job: (await context.store.getJob(previous.id)) ?? previous };
        }
        return { status: 'duplicate', job: previous };
      }
      return submitPrepared(
        {
          ...requester,
          idempotencyKey,
          action: previous.action,
          text: previous.input.prompt,
          channelId: '',
          delivery: delivery ?? previous.delivery,
        },
        previous,
      );
    },
    async redeliver(jobId) {
      const job = await requireJob(jobId);
      if (job.state !== 'generated' && job.state !== 'delivery_failed') return job;
      return deliverJob(context, job);
    },
    async cancel(jobId, requester) {
      const job = await requireJob(jobId);
      if (job.memberId !== requester.memberId && !requester.isAdmin) {
        throw new UserFacingError('not_allowed', 'Only the member who asked (or an admin) can cancel this.');
      }
      if (job.state === 'queued' && queue.remove(job.id)) {
        const cancelled = await context.store.updateJob(
          job.id,
          { state: 'cancelled', finishedAt: context.now(), updatedAt: context.now() },
          { ifStateIn: ['queued'] },
        );
        await context.store.settleUsage(job.id, 'cancelled', 0);
        if (cancelled) {
          events.emit({ type: 'cancelled', job: cancelled });
          return cancelled;
        }
      }
      const controller = context.running.get(job.id);
      if (controller) {
        controller.abort(new CancelledError());
        return job;
      }
      throw new UserFacingError('not_cancellable', 'This has already finished, so there is nothing to cancel.');
    },
    async deleteTurn(turnId, requester) {
      const turn = await context.store.getTurn(turnId);
      if (!turn) return [];
      if (turn.authorId !== requester.memberId && !requester.isAdmin) {
        throw new UserFacingError(
          'not_allowed',
          'Only the member who asked for this image (or an admin) can delete it.',
        );
      }
      const links = await context.store.listMessagesOfTurn(turnId);
      const controller = context.running.get(turn.jobId);
      controller?.abort(new CancelledError());
      queue.remove(turn.jobId);
      const { orphanedHashes } = await context.store.deleteTurn(turnId);
      await Promise.all(orphanedHashes.map((hash) => context.blobs.delete(hash)));
      return links;
    },
    findConversation: (location) => context.store.findConversationByLocation(location),
    findMessage: (platform, channelId, messageId) => context.store.findMessage(platform, channelId, messageId),
    linkMessage: (link) => context.store.linkMessage(link),
    async updateConversation(id, patch) {
      await context.store.updateConversation(id, { ...patch, updatedAt: context.now() });
    },
    async updateDelivery(jobId, delivery) {
      const job = await context.store.getJob(jobId);
      if (!job) return undefined;
      const merged: DeliveryTarget = withoutUndefined({ ...job.delivery, ...delivery });
      return context.store.updateJob(jobId, { delivery: merged, updatedAt: context.now() });
    },
    getJob: (jobId) => context.store.getJob(jobId),
    getTurn: (turnId) => context.store.getTurn(turnId),
    position: (jobId) => queue.position(jobId),
    registerDeliverer(platform, deliverer) {
      context.deliverers.set(platform, deliverer);
    },
    onEvent: (listener) => events.on(listener),
    async start() {
      const { store } = context;
      const running = await store.listJobsByState(['running']);
      for (const job of running) await markInterrupted(context, job, job.costUnits);
      // Queued jobs resume first; generated ones are delivered in the background, so one platform that does not
      // answer cannot hold up start-up or the queue.
      const queued = await store.listJobsByState(['queued']);
      for (const job of queued) await enqueue(job);
      const generated = await store.listJobsByState(['generated']);
      const redeliveries = generated.map((job) =>
        deliverJob(context, job).catch((error: unknown) =>
          context.logger.error({ err: error, jobId: job.id }, 'redelivery after restart failed'),
        ),
      );
      void Promise.all(redeliveries);
      await this.cleanExpired();
      return { resumed: queued.length, interrupted: running.length, redelivered: generated.length };
    },
    async cleanExpired() {
      const { conversations, orphanedHashes } = await context.store.deleteExpired(context.now() - settings.retentionMs);
      await Promise.all(orphanedHashes.map((hash) => context.blobs.delete(hash)));
      if (conversations > 0) {
        context.logger.info({ conversations, images: orphanedHashes.length }, 'expired conversations deleted');
      }
      return { conversations, images: orphanedHashes.length };
    },
    async shutdown() {
      accepting = false;
      queue.pause();
      await idleWithin(settings.shutdownGraceMs);
      for (const controller of context.running.values()) controller.abort(new ShutdownError());
      // Aborted calls end at once and record `interrupted`. A delivery still waiting on its platform is not waited
      // for: its job stays `generated`, and the next start delivers the stored bytes again.
      await idleWithin(Math.min(settings.shutdownGraceMs, 1_000));
    },
    get stats() {
      return { waiting: queue.waiting, running: queue.running };
    },
  };
}
