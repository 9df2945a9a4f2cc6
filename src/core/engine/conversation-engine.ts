import type { ImageProvider } from '../image-provider.js';
import { type JobEventListener, JobEvents } from '../jobs/job-events.js';
import { createInProcessQueue, type JobQueueFactory, type JobRunner } from '../jobs/job-queue.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type { PlatformOutbound } from '../platform/chat-platform.js';
import type { PlatformEngine } from '../platform/platform-engine.js';
import { createStatusSequencer } from '../platform/status-sequencer.js';
import type { Platform } from '../records.js';
import type { BlobStore, Store } from '../store.js';
import { type UserFacingCode, UserFacingError } from '../user-facing-error.js';
import { createBlobHolds } from './blob-holds.js';
import { deliverJob } from './deliver-job.js';
import { type EngineContext, type EngineSettings, engineDefaults } from './engine-context.js';
import { createEngineQueries } from './engine-queries.js';
import { type Recovered, recoverJobs } from './engine-recovery.js';
import { cleanExpired } from './engine-retention.js';
import { createShutdown, type ShutdownOptions } from './engine-shutdown.js';
import { precheckRequest, submitRequest } from './engine-submit.js';
import type { EngineLogger, Scope } from './engine-types.js';
import { CancelledError, markInterrupted } from './job-endings.js';
import { cancelJob, deleteTurn, readOutput } from './member-actions.js';
import { createOperatorQueries } from './operator-queries.js';
import { redeliverJob, retryJob } from './retry-job.js';
import { runJob } from './run-job.js';

/** What the engine runs on and with: storage, the provider, the catalogue, the log, and side effects to inject. */
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
  /** The queue to run jobs on; default the in-process queue (`IMAGE_API_CONCURRENCY` at once). */
  readonly queue?: JobQueueFactory;
}

/**
 * The engine every platform shares: what a platform may ask of it (`PlatformEngine`), and what the process that
 * runs it does — attach the platforms, recover after a restart, keep retention, shut down.
 */
export interface ConversationEngine extends PlatformEngine {
  /**
   * Makes a platform's outbound half the one that delivers its jobs and shows their statuses in this process;
   * resolves to a function that detaches it. Jobs of a platform not attached stay `generated` until one is.
   */
  attachPlatform(platform: PlatformOutbound): () => void;
  onEvent(listener: JobEventListener): () => void;
  /** Told of every request refused before any job was made (a quota, a bad flag), by its code; for counting. */
  onRefusal(listener: RefusalListener): () => void;
  /** Recovers after a restart (running → interrupted, queued and generated back in line), then cleans. */
  start(): Promise<Recovered>;
  /** Deletes conversations older than the retention time, and images no record refers to. */
  cleanExpired(): Promise<{ conversations: number; images: number }>;
  /** Stops taking work, lets running jobs finish for a moment, marks the rest interrupted. Runs once. */
  shutdown(options?: ShutdownOptions): Promise<void>;
  readonly stats: { readonly waiting: number; readonly running: number };
}

/** A request refused at submit (no job made): who asked, and the code of the sentence they were given. */
export type RefusalListener = (scope: Scope, code: UserFacingCode) => void;

export function createConversationEngine(config: ConversationEngineConfig): ConversationEngine {
  const settings: EngineSettings = { ...engineDefaults, ...config.settings } as EngineSettings;
  const { logger } = config;
  const events = new JobEvents((error, event) =>
    logger.error({ err: error, event: event.type, jobId: event.job.id }, 'job event listener failed'),
  );
  const platforms = new Map<Platform, PlatformOutbound>();
  const now = config.now ?? Date.now;
  const status = createStatusSequencer({
    render: (event) => platforms.get(event.job.platform)?.renderStatus(event),
    keep: async (jobId, ids) => {
      await config.store.mergeJobDelivery(jobId, ids, now());
    },
    onError: (error, event) =>
      logger.warn({ err: error, jobId: event.job.id, event: event.type }, 'status message update failed'),
  });
  // The queue runs a `generated` job (put back in line after a restart) by delivering it, never generating again.
  const run: JobRunner = (job) =>
    job.state === 'generated' ? deliverJob(context, job).then(() => undefined) : runJob(context, job);
  function makeQueue() {
    if (!config.queue) return createInProcessQueue({ concurrency: settings.concurrency, run });
    return config.queue({
      run,
      load: (jobId) => config.store.getJob(jobId),
      abortLocal: (jobId) => context.running.get(jobId)?.abort(new CancelledError()),
      async interrupt(jobId) {
        const job = await config.store.getJob(jobId);
        if (job?.state === 'running') await markInterrupted(context, job, job.costUnits);
      },
    });
  }
  const context: EngineContext = {
    store: config.store,
    blobs: config.blobs,
    blobHolds: createBlobHolds(config.blobs, config.store),
    provider: config.provider,
    catalogue: config.catalogue,
    settings,
    logger,
    events,
    queue: makeQueue(),
    platforms,
    status,
    intake: { accepting: true },
    now,
    newId: config.newId ?? (() => globalThis.crypto.randomUUID()),
    randomSeed: config.randomSeed ?? (() => Math.floor(Math.random() * 2_147_483_647)),
    newReferenceId: config.newReferenceId ?? (() => globalThis.crypto.randomUUID().slice(0, 8).toUpperCase()),
    ...(config.measure ? { measure: config.measure } : {}),
    running: new Map(),
  };
  events.on((event) => {
    if (event.type !== 'progress' && platforms.has(event.job.platform)) status.push(event);
  });
  const refusalListeners = new Set<RefusalListener>();
  const refused =
    (scope: Scope) =>
    (error: unknown): never => {
      if (error instanceof UserFacingError) for (const listener of refusalListeners) listener(scope, error.code);
      throw error;
    };

  return {
    ...createEngineQueries(context),
    ...createOperatorQueries(context),
    submit: (inbound) => submitRequest(context, inbound).catch(refused(inbound)),
    precheck: (inbound) => precheckRequest(context, inbound).catch(refused(inbound)),
    retry: (jobId, requester, key, delivery) => retryJob(context, jobId, requester, key, delivery),
    redeliver: (jobId, scope, fresh) => redeliverJob(context, jobId, scope, fresh),
    cancel: (jobId, requester) => cancelJob(context, jobId, requester),
    deleteTurn: (turnId, requester) => deleteTurn(context, turnId, requester),
    readOutput: (turnId, index, scope) => readOutput(context, turnId, index, scope),
    attachPlatform(platform) {
      platforms.set(platform.name, platform);
      return () => {
        if (platforms.get(platform.name) === platform) platforms.delete(platform.name);
      };
    },
    onEvent: (listener) => events.on(listener),
    onRefusal(listener) {
      refusalListeners.add(listener);
      return () => refusalListeners.delete(listener);
    },
    async start() {
      const recovered = context.queue.recover ? await context.queue.recover() : await recoverJobs(context);
      await cleanExpired(context);
      return recovered;
    },
    cleanExpired: () => cleanExpired(context),
    shutdown: createShutdown(context),
    get stats() {
      return { waiting: context.queue.waiting, running: context.queue.running };
    },
  };
}
