import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ConversationEngine, createConversationEngine } from '../src/core/engine/conversation-engine.js';
import type { JobEvent } from '../src/core/jobs/job-events.js';
import { createModelCatalogue } from '../src/core/models/model-catalogue.js';
import type { JobPatch } from '../src/core/store.js';
import { createImageDownloader } from '../src/download/image-downloader.js';
import { createImagePipeline } from '../src/images/image-pipeline.js';
import { measureImage } from '../src/images/measure-image.js';
import { createHttpImageProvider } from '../src/providers/http-image-provider.js';
import { createFileBlobStore } from '../src/store/blob-store.js';
import { openPostgresStore } from '../src/store/postgres-store.js';
import { createSqliteStore } from '../src/store/sqlite-store.js';
import { CallTimes, timedBlobs, timedProvider, timedStore } from './queue-probes.js';

export interface BenchEngine {
  readonly engine: ConversationEngine;
  readonly storeTimes: CallTimes;
  readonly blobTimes: CallTimes;
  readonly probe: ReturnType<typeof timedProvider>;
  /** When each job took its slot: its `updateJob(id, {state:'running'})` call. */
  readonly slotAt: Map<string, number>;
  /** Every engine event with its time. */
  readonly events: Array<{ at: number; event: JobEvent }>;
  readonly logged: string[];
  close(): Promise<void>;
}

export interface BenchEngineOptions {
  readonly dataDir: string;
  readonly apiUrl: string;
  readonly concurrency: number;
  /** State and images in this PostgreSQL schema instead of SQLite and files in `dataDir`. */
  readonly postgres?: { readonly url: string; readonly schema: string };
}

/**
 * The engine as production builds it (src/app/create-engine.ts): SQLite in the data dir and files for blobs (or
 * PostgreSQL for both), the HTTP client with the image pipeline and the guarded downloader, header-only `measure` —
 * with timing probes around the store, the blobs and the provider, and a trivial local deliverer.
 */
export async function createBenchEngine(options: BenchEngineOptions): Promise<BenchEngine> {
  const storeTimes = new CallTimes();
  const blobTimes = new CallTimes();
  const slotAt = new Map<string, number>();
  const storage = options.postgres
    ? await openPostgresStore(options.postgres)
    : {
        store: createSqliteStore({ path: path.join(options.dataDir, 'threadpaint.db') }),
        blobs: createFileBlobStore({ directory: path.join(options.dataDir, 'images') }),
      };
  const store = timedStore(storage.store, storeTimes, (method, args) => {
    if (method === 'updateJob' && (args[1] as JobPatch | undefined)?.state === 'running') {
      slotAt.set(args[0] as string, performance.now());
    }
  });
  const blobs = timedBlobs(storage.blobs, blobTimes);
  const downloader = createImageDownloader({ allowPrivate: true });
  const http = createHttpImageProvider({
    baseUrl: options.apiUrl,
    apiKey: 'sk-test',
    pipeline: createImagePipeline(),
    downloader,
  });
  const probe = timedProvider(http);
  const logged: string[] = [];
  const log = (level: string) => (details: object, message: string) => {
    const err = (details as { err?: unknown }).err;
    logged.push(`${level}: ${message}${err instanceof Error ? `: ${err.message}` : ''}`);
  };
  const engine = createConversationEngine({
    store,
    blobs,
    provider: probe.provider,
    catalogue: createModelCatalogue(),
    logger: { info: () => {}, warn: log('warn'), error: log('error') },
    measure: async (bytes) => {
      const started = performance.now();
      try {
        return await measureImage(bytes);
      } finally {
        blobTimes.add('measure (sharp header read)', performance.now() - started);
      }
    },
    settings: {
      defaultModel: 'gemini-2.5-flash-image',
      concurrency: options.concurrency,
      // The quota check still runs (its SQL is part of every submit); the limit is out of reach.
      quota: { memberPerHour: 1_000_000 },
    },
  });
  engine.attachPlatform({
    name: 'local',
    awaitsStatus: () => false,
    renderStatus: async () => undefined,
    deliver: async ({ job }) => ({ messageId: `bench-${job.id}` }),
  });
  const events: BenchEngine['events'] = [];
  engine.onEvent((event) => events.push({ at: performance.now(), event }));
  return {
    engine,
    storeTimes,
    blobTimes,
    probe,
    slotAt,
    events,
    logged,
    async close() {
      await engine.shutdown();
      await store.close();
      await http.close();
      await downloader.close();
    },
  };
}
