import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type AppEngine, openEngine } from '../../src/app/open-engine.js';
import type { EngineSettings } from '../../src/core/engine/engine-context.js';
import type { InboundRequest, SubmitResult } from '../../src/core/engine/engine-types.js';
import type { ImageProvider } from '../../src/core/image-provider.js';
import type { JobQueueFactory } from '../../src/core/jobs/job-queue.js';
import { createModelCatalogue, type ModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { type JobRecord, jobStates, type Platform, type TurnRecord } from '../../src/core/records.js';
import type { BlobStore, Store } from '../../src/core/store.js';
import { createOfflineImageProvider } from '../../src/providers/offline-renderer.js';
import { type EngineEventLog, recordEngineEvents } from './engine-events.js';
import { createManualClock, type ManualClock } from './manual-clock.js';
import { createRecordingDeliverer, type RecordingDeliverer } from './recording-deliverer.js';
import { createRecordingLogger, describeLogEntries, type RecordingLogger } from './recording-logger.js';
import { createTempDir } from './temp-dir.js';

export interface EngineHarnessOptions {
  /** An existing `DATA_DIR` (a restart); by default a fresh temp dir the harness owns and removes. */
  readonly dataDir?: string;
  /** Default: the offline renderer with small previews (fast, no network). */
  readonly provider?: ImageProvider;
  readonly settings?: Partial<EngineSettings>;
  /** Shared by the engine and the store; default: a manual clock at `defaultClockStart`. */
  readonly clock?: ManualClock;
  /** The platform's deliverer; `false` registers none (the platform is not running in this process). */
  readonly deliverer?: RecordingDeliverer | false;
  readonly catalogue?: ModelCatalogue;
  /** The seeds the engine picks for requests that name none; random by default. */
  readonly randomSeed?: () => number;
  /** The references failures are quoted with; the engine's own default otherwise. */
  readonly newReferenceId?: () => string;
  /**
   * A store and blob store opened elsewhere (PostgreSQL) instead of SQLite and files in the data dir; the harness
   * closes the store when it closes.
   */
  readonly storage?: { readonly store: Store; readonly blobs: BlobStore };
  /** The queue the engine runs jobs on (BullMQ); the in-process queue by default. */
  readonly queue?: JobQueueFactory;
}

export type QueuedResult = Extract<SubmitResult, { status: 'queued' }>;

/** Everything a finished job left in the store. */
export interface SettledJob {
  readonly job: JobRecord;
  readonly turn: TurnRecord;
}

/**
 * A real conversation engine over a real SQLite store and file blob store in a `DATA_DIR`, with a recording
 * deliverer standing in for the platform and every engine event recorded.
 */
export interface EngineHarness {
  readonly dataDir: string;
  readonly store: Store;
  readonly blobs: BlobStore;
  readonly engine: AppEngine;
  readonly events: EngineEventLog;
  readonly deliverer: RecordingDeliverer;
  readonly clock: ManualClock;
  readonly logger: RecordingLogger;
  readonly provider: ImageProvider;
  readonly platform: Platform;
  /** A complete inbound request (Slack, workspace T1, member U1, channel C1, a fresh key) with `overrides`. */
  inbound(overrides?: Partial<InboundRequest>): InboundRequest;
  /** Submits and expects a new job (a duplicate fails the test). */
  submit(overrides?: Partial<InboundRequest>): Promise<QueuedResult>;
  imagine(text: string, overrides?: Partial<InboundRequest>): Promise<QueuedResult>;
  /** A reply in the conversation's thread. */
  edit(conversationId: string, text: string, overrides?: Partial<InboundRequest>): Promise<QueuedResult>;
  /** Waits for the job's ending event, then reads the job and its turn back from the store. */
  settle(jobId: string, timeoutMs?: number): Promise<SettledJob>;
  /** Submits an imagine and waits for it to be delivered. */
  imagineDelivered(text: string, overrides?: Partial<InboundRequest>): Promise<SettledJob>;
  allJobs(): Promise<JobRecord[]>;
  /** Where the blob store keeps a hash's file. */
  blobPath(hash: string): string;
  /** Every blob file on disk. */
  blobFiles(): string[];
  /**
   * A restart: shuts this engine down, closes the store and opens a new harness on the same dir, with the same
   * options (settings, provider, clock) unless overridden and a fresh deliverer.
   */
  reopen(options?: Omit<EngineHarnessOptions, 'dataDir'>): Promise<EngineHarness>;
  /** Shuts the engine down and closes the store; removes the dir if this harness owns it. Idempotent. */
  close(): Promise<void>;
}

let keyCounter = 0;

export function createEngineHarness(options: EngineHarnessOptions = {}): EngineHarness {
  return openHarness(options, options.dataDir === undefined);
}

function openHarness(options: EngineHarnessOptions, ownsDir: boolean): EngineHarness {
  const dataDir = options.dataDir ?? createTempDir('threadpaint-engine-').path;
  const clock = options.clock ?? createManualClock();
  const logger = createRecordingLogger();
  const provider = options.provider ?? createOfflineImageProvider({ maxLongSide: 128 });
  const blobDir = path.join(dataDir, 'images');
  const engine = openEngine({
    ...(options.storage ? { storage: options.storage } : { dataDir }),
    ...(options.queue ? { queue: options.queue } : {}),
    provider,
    catalogue: options.catalogue ?? createModelCatalogue(),
    logger,
    now: clock.now,
    settings: { defaultModel: 'gemini-2.5-flash-image', ...options.settings },
    ...(options.randomSeed ? { randomSeed: options.randomSeed } : {}),
    ...(options.newReferenceId ? { newReferenceId: options.newReferenceId } : {}),
  });
  const { store, blobs } = engine;
  const events = recordEngineEvents(engine);
  const deliverer = options.deliverer || createRecordingDeliverer();
  const platform: Platform = 'slack';
  if (options.deliverer !== false) engine.attachPlatform(deliverer);
  let owner = ownsDir;
  let closed: Promise<void> | undefined;

  const inbound = (overrides: Partial<InboundRequest> = {}): InboundRequest => ({
    platform,
    workspaceId: 'T1',
    memberId: 'U1',
    idempotencyKey: `slack:T1:C1:${process.pid}.${++keyCounter}`,
    action: 'imagine',
    text: 'a lighthouse at dusk',
    channelId: 'C1',
    delivery: { channelId: 'C1' },
    ...overrides,
  });

  async function submit(overrides: Partial<InboundRequest> = {}): Promise<QueuedResult> {
    const result = await engine.submit(inbound(overrides));
    if (result.status !== 'queued') throw new Error(`expected a new job, got a duplicate of ${result.job.id}`);
    return result;
  }

  async function settle(jobId: string, timeoutMs?: number): Promise<SettledJob> {
    await events.ending(jobId, timeoutMs);
    const job = await store.getJob(jobId);
    if (!job) throw new Error(`job ${jobId} is not in the store`);
    const turn = await store.getTurn(job.turnId);
    if (!turn) throw new Error(`turn ${job.turnId} of job ${jobId} is not in the store`);
    return { job, turn };
  }

  const harness: EngineHarness = {
    dataDir,
    store,
    blobs,
    engine,
    events,
    deliverer,
    clock,
    logger,
    provider,
    platform,
    inbound,
    submit,
    imagine: (text, overrides) => submit({ text, ...overrides }),
    edit: (conversationId, text, overrides) => submit({ action: 'edit', conversationId, text, ...overrides }),
    settle,
    async imagineDelivered(text, overrides) {
      const { job } = await submit({ text, ...overrides });
      const settled = await settle(job.id);
      if (settled.job.state !== 'delivered') {
        const logged = logger.entries.filter((entry) => (entry.details as { jobId?: string }).jobId === job.id);
        throw new Error(
          `job ${job.id} ended ${settled.job.state}: ${JSON.stringify(settled.job.error)}; log: ${describeLogEntries(logged)}`,
        );
      }
      return settled;
    },
    allJobs: () => store.listJobsByState(jobStates),
    blobPath: (hash) => path.join(blobDir, hash.slice(0, 2), hash),
    blobFiles() {
      if (!existsSync(blobDir)) return [];
      return readdirSync(blobDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.join(entry.parentPath, entry.name));
    },
    async reopen(reopenOptions = {}) {
      if (options.storage) throw new Error('reopen needs the SQLite store of the data dir');
      const transfer = owner;
      owner = false;
      await harness.close();
      // The same settings, provider and clock unless told otherwise; a new deliverer (a new process's platform).
      const { deliverer: _deliverer, ...kept } = options;
      return openHarness({ ...kept, provider, clock, ...reopenOptions, dataDir }, transfer);
    },
    close() {
      closed ??= (async () => {
        events.stop();
        await engine.close();
        if (owner) rmSync(dataDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
  return harness;
}
