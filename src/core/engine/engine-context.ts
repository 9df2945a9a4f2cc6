import type { ImageProvider } from '../image-provider.js';
import type { JobEvents } from '../jobs/job-events.js';
import type { QuotaLimits } from '../jobs/quota.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type { Platform } from '../records.js';
import type { BlobStore, Store } from '../store.js';
import type { Deliverer, EngineLogger } from './engine-types.js';

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
}

export const engineDefaults = {
  jobTimeoutMs: 600_000,
  concurrency: 4,
  context: 'last-image',
  historyBudgetBytes: 12_000_000,
  retentionMs: 30 * 24 * 3_600_000,
  shutdownGraceMs: 5_000,
  quota: { memberPerHour: 60 },
} as const satisfies Partial<EngineSettings>;

/** Everything the engine's parts share; side effects are injected. */
export interface EngineContext {
  readonly store: Store;
  readonly blobs: BlobStore;
  readonly provider: ImageProvider;
  readonly catalogue: ModelCatalogue;
  readonly settings: EngineSettings;
  readonly logger: EngineLogger;
  readonly events: JobEvents;
  readonly deliverers: Map<Platform, Deliverer>;
  readonly now: () => number;
  readonly newId: () => string;
  readonly randomSeed: () => number;
  readonly newReferenceId: () => string;
  /** Width and height of a stored output (the image pipeline's header read); optional. */
  readonly measure?: (bytes: Uint8Array) => Promise<{ width: number; height: number } | undefined>;
  /** Abort controllers of running jobs (Cancel and the job timeout abort the upstream call). */
  readonly running: Map<string, AbortController>;
}
