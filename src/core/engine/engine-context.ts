import type { ImageProvider } from '../image-provider.js';
import type { JobEvents } from '../jobs/job-events.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { QuotaLimits } from '../jobs/quota.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type { PlatformOutbound } from '../platform/chat-platform.js';
import type { StatusSequencer } from '../platform/status-sequencer.js';
import type { Platform } from '../records.js';
import type { BlobStore, Store } from '../store.js';
import type { BlobHolds } from './blob-holds.js';
import type { EngineLogger } from './engine-types.js';

export interface EngineSettings {
  readonly defaultModel: string;
  readonly quota: QuotaLimits;
  /** One job from start to delivery. */
  readonly jobTimeoutMs: number;
  readonly concurrency: number;
  /** `full` sends earlier turns as multi-turn context where the family takes it (Gemini). */
  readonly context: 'last-image' | 'full';
  /** Most bytes of earlier-turn images sent as context. */
  readonly historyBudgetBytes: number;
  readonly retentionMs: number;
  /** How long running jobs may finish on shutdown before they are marked interrupted. */
  readonly shutdownGraceMs: number;
  /**
   * Longest a job waits for its status message to be posted before it starts, and a result for the status edits
   * before it: a slow platform delays its own messages, never the queue for long.
   */
  readonly statusWaitMs: number;
  /** Images a Variations press makes: one decision for every platform. */
  readonly variationCount: number;
}

export const engineDefaults = {
  jobTimeoutMs: 600_000,
  concurrency: 4,
  context: 'last-image',
  historyBudgetBytes: 12_000_000,
  retentionMs: 30 * 24 * 3_600_000,
  shutdownGraceMs: 5_000,
  statusWaitMs: 10_000,
  variationCount: 4,
  quota: { memberPerHour: 60 },
} as const satisfies Partial<EngineSettings>;

/** The queue: in-process, or shared by processes (BullMQ). */
export type EngineQueue = JobQueue;

/** Everything the engine's parts share; side effects are injected. */
export interface EngineContext {
  readonly store: Store;
  readonly blobs: BlobStore;
  /** Stores through a lease, deletes what nothing refers to: never a blob another request is about to refer to. */
  readonly blobHolds: BlobHolds;
  readonly provider: ImageProvider;
  readonly catalogue: ModelCatalogue;
  readonly settings: EngineSettings;
  readonly logger: EngineLogger;
  readonly events: JobEvents;
  readonly queue: EngineQueue;
  /** The outbound half of each platform running in this process: what delivers and shows statuses. */
  readonly platforms: Map<Platform, PlatformOutbound>;
  /** Status events in order per job. */
  readonly status: StatusSequencer;
  /** False once shutdown began: new requests are refused. */
  readonly intake: { accepting: boolean };
  readonly now: () => number;
  readonly newId: () => string;
  readonly randomSeed: () => number;
  readonly newReferenceId: () => string;
  /** Width and height of a stored output (the image pipeline's header read); optional. */
  readonly measure?: (bytes: Uint8Array) => Promise<{ width: number; height: number } | undefined>;
  /** Abort controllers of running jobs (Cancel and the job timeout abort the upstream call). */
  readonly running: Map<string, AbortController>;
}
