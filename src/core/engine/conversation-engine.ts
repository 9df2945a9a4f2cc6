import { withoutUndefined } from '../defined.js';
import type { ImageProvider } from '../image-provider.js';
import { type JobEventListener, JobEvents } from '../jobs/job-events.js';
import { createInProcessQueue } from '../jobs/job-queue.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type {
  ConversationLocation,
  ConversationRecord,
  DeliveryTarget,
  ImageRef,
  JobRecord,
  Platform,
  TurnRecord,
} from '../records.js';
import type { BlobStore, MessageLink, Store } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';
import { deliverJob } from './deliver-job.js';
import { type EngineContext, type EngineSettings, engineDefaults } from './engine-context.js';
import type { Deliverer, EngineLogger, InboundRequest, Requester, Scope, SubmitResult } from './engine-types.js';
import { shuttingDown } from './job-errors.js';
import { cancelJob, deleteTurn, readOutput } from './member-actions.js';
import { ownedJob, ownedTurn, requireOwnedJob, resolveContinuation } from './ownership.js';
import { currentJobOfTurn, prepareRetry } from './retry-job.js';
import { markInterrupted, runJob, ShutdownError } from './run-job.js';
import { checkRequesterQuota, prepareSubmission } from './submit-job.js';

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

/**
 * The engine every platform shares: after it, a platform adapter only translates. Every operation that names an
 * existing job, turn, output or conversation takes the caller's scope (a `Requester`, or a record it already holds)
 * and answers for anything outside it exactly as for an id that does not exist (`ownership.ts`).
 */
export interface ConversationEngine {
  /**
   * Validates, records (idempotently) and queues a delivery. Bad input throws a UserFacingError and makes no job; a
   * conversation or target turn outside the requester's scope is refused as expired.
   */
  submit(inbound: InboundRequest): Promise<SubmitResult>;
  /**
   * What `submit` would refuse (flags, model, quota), checked without writing anything: platforms call it before
   * they acknowledge, so a bad request gets an ephemeral answer and makes no job. Attachments may be placeholders.
   */
  precheck(inbound: InboundRequest): Promise<{ readonly notices: readonly string[]; readonly duplicate?: boolean }>;
  /** Runs a failed or interrupted job's turn again as a new job on the requester's platform (the member asked). */
  retry(jobId: string, requester: Requester, idempotencyKey: string, delivery?: DeliveryTarget): Promise<SubmitResult>;
  /** Delivers a `generated` or `delivery_failed` job again from stored bytes: never generates again. */
  redeliver(jobId: string, scope: Scope): Promise<JobRecord | undefined>;
  cancel(jobId: string, requester: Requester): Promise<JobRecord>;
  /** Deletes a turn and its stored images; returns the platform messages to delete. */
  deleteTurn(turnId: string, requester: Requester): Promise<MessageLink[]>;
  findConversation(location: ConversationLocation): Promise<ConversationRecord | undefined>;
  findMessage(platform: Platform, channelId: string, messageId: string): Promise<MessageLink | undefined>;
  linkMessage(link: MessageLink): Promise<void>;
  updateConversation(id: string, patch: { threadId?: string; rootMessageId?: string }): Promise<void>;
  /** Stores delivery ids on a job (the message id of a Discord deferral, a Slack status ts). */
  updateDelivery(jobId: string, delivery: Partial<DeliveryTarget>): Promise<JobRecord | undefined>;
  getJob(jobId: string, scope: Scope): Promise<JobRecord | undefined>;
  getTurn(turnId: string, scope: Scope): Promise<TurnRecord | undefined>;
  /** One stored output of a turn (index from 0) with its bytes. */
  readOutput(turnId: string, index: number, scope: Scope): Promise<{ ref: ImageRef; bytes: Uint8Array } | undefined>;
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
    const earlier = await findDuplicate(inbound);
    if (earlier) return { status: 'duplicate', job: earlier };
    // Ownership before anything that reads the target: a foreign turn must not even match a pending job.
    const continuation = retryOf ? {} : await resolveContinuation(context, inbound);
    if (
      inbound.target &&
      (inbound.action === 'reroll' || inbound.action === 'variations' || inbound.action === 'edit')
    ) {
      const pending = await store.findPendingJob(inbound.memberId, inbound.target.turnId, inbound.action);
      if (pending && inbound.action !== 'edit') return { status: 'duplicate', job: pending };
    }
    const prepared = retryOf
      ? await prepareRetry(context, retryOf, inbound)
      : await prepareSubmission(context, inbound, { continuation });
    const { job } = prepared;
    const pendingCheck = !retryOf && inbound.target && (inbound.action === 'reroll' || inbound.action === 'variations');
    // One transaction: the key, the records, the reservation, and the checks that must hold across processes.
    const result = await store.createJobWithKey(inbound.idempotencyKey, {
      ...(prepared.isNewConversation ? { conversation: prepared.conversation } : {}),
      ...(retryOf ? { retryTurnId: prepared.turn.id } : { turn: prepared.turn }),
      ...(prepared.isNewConversation ? {} : { touchConversationId: prepared.conversation.id }),
      job,
      reservation: {
        id: job.id,
        at: job.createdAt,
        platform: job.platform,
        workspaceId: job.workspaceId,
        memberId: job.memberId,
        model: prepared.conversation.model,
        tier: prepared.tier,
        count: job.input.count ?? 1,
        outcome: 'reserved',
        costUnits: job.costUnits,
        jobId: job.id,
      },
      ...(pendingCheck && inbound.target
        ? { unlessPending: { memberId: inbound.memberId, turnId: inbound.target.turnId, action: inbound.action } }
        : {}),
      quota: prepared.quota,
    });
    if (!result.created) {
      // Another request took the last units between the check and the write: refuse with the same sentence.
      if (result.reason === 'quota') throw await quotaRefusal(inbound, job.costUnits);
      const existing = await ownedJob(context, result.jobId, inbound);
      if (existing) return { status: 'duplicate', job: existing };
      throw alreadyHandled();
    }
    const position = await enqueue(prepared.job);
    return { status: 'queued', ...prepared, position };
  }

  /** The sentence of a quota the store found full at the write (it had room when the request was checked). */
  async function quotaRefusal(requester: Requester, units: number): Promise<Error> {
    const server = await context.store.getServerSettings(requester.platform, requester.workspaceId);
    try {
      await checkRequesterQuota(context, requester, units, server);
    } catch (error) {
      return error as Error;
    }
    return new UserFacingError('quota_exceeded', 'The quota filled up while this request was checked; try again.');
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

  /** The job a delivery key already made; a key another scope holds is refused without naming its job. */
  async function findDuplicate(inbound: InboundRequest): Promise<JobRecord | undefined> {
    const jobId = await context.store.findIdempotencyKey(inbound.idempotencyKey);
    if (!jobId) return undefined;
    const job = await ownedJob(context, jobId, inbound);
    if (!job) throw alreadyHandled();
    return job;
  }

  async function redeliver(job: JobRecord): Promise<JobRecord | undefined> {
    if (job.state !== 'generated' && job.state !== 'delivery_failed') return job;
    return deliverJob(context, job);
  }

  return {
    submit: (inbound) => submitPrepared(inbound),
    async precheck(inbound) {
      if (!accepting) throw shuttingDown();
      if (await findDuplicate(inbound)) return { notices: [], duplicate: true };
      const prepared = await prepareSubmission(context, inbound, { dryRun: true });
      return { notices: prepared.notices };
    },
    async retry(jobId, requester, idempotencyKey, delivery) {
      // Retry pressed on an older notice (or pressed twice) acts on the turn as it is now: its newest job.
      const previous = await currentJobOfTurn(context, await requireOwnedJob(context, jobId, requester));
      if (!['failed', 'interrupted', 'cancelled'].includes(previous.state)) {
        if (previous.state === 'delivery_failed') {
          await redeliver(previous);
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
    redeliver: async (jobId, scope) => redeliver(await requireOwnedJob(context, jobId, scope)),
    cancel: (jobId, requester) => cancelJob(context, queue, jobId, requester),
    deleteTurn: (turnId, requester) => deleteTurn(context, queue, turnId, requester),
    findConversation: (location) => context.store.findConversationByLocation(location),
    findMessage: (platform, channelId, messageId) => context.store.findMessage(platform, channelId, messageId),
    linkMessage: (link) => context.store.linkMessage(link),
    async updateConversation(id, patch) {
      await context.store.updateConversation(id, { ...patch, updatedAt: context.now() });
    },
    updateDelivery: (jobId, delivery) =>
      context.store.mergeJobDelivery(jobId, withoutUndefined(delivery) as DeliveryTarget, context.now()),
    getJob: (jobId, scope) => ownedJob(context, jobId, scope),
    getTurn: async (turnId, scope) => (await ownedTurn(context, turnId, scope))?.turn,
    readOutput: (turnId, index, scope) => readOutput(context, turnId, index, scope),
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

/** A delivery key seen before whose job this caller may not see (or that is gone): nothing more is said. */
function alreadyHandled(): UserFacingError {
  return new UserFacingError('duplicate', 'This request was already handled.');
}
