import path from 'node:path';
import {
  type ConversationEngine,
  type ConversationEngineConfig,
  createConversationEngine,
} from '../core/engine/conversation-engine.js';
import type { BlobStore, Store } from '../core/store.js';
import { measureImage } from '../images/measure-image.js';
import { createFileBlobStore } from '../store/blob-store.js';
import { createSqliteStore } from '../store/sqlite-store.js';

/** The engine of one process with what it runs on: the store and blobs in `DATA_DIR`, and a close for both. */
export interface AppEngine extends ConversationEngine {
  readonly store: Store;
  readonly blobs: BlobStore;
  /** The engine's shutdown (once), then the store closes. */
  close(): Promise<void>;
}

/** What the engine is made with, but the store and blobs: those are opened in `dataDir`. */
export interface OpenEngineOptions extends Omit<ConversationEngineConfig, 'store' | 'blobs' | 'measure' | 'newId'> {
  /** `DATA_DIR`: `threadpaint.db` and `images/` live in it. */
  readonly dataDir: string;
}

const day = 24 * 3_600_000;

/**
 * The one engine factory: the process's (`createEngine`, from the configuration) and every test harness's. SQLite
 * and the file blob store in the data directory, the engine over them, retention once a day.
 */
export function openEngine(options: OpenEngineOptions): AppEngine {
  const store = createSqliteStore({
    path: path.join(options.dataDir, 'threadpaint.db'),
    ...(options.now ? { now: options.now } : {}),
  });
  const blobs = createFileBlobStore({ directory: path.join(options.dataDir, 'images') });
  const { dataDir: _dataDir, ...config } = options;
  // The engine's clock is the store's too (a test's manual clock).
  const engine = createConversationEngine({ ...config, store, blobs, measure: measureImage });
  const daily = setInterval(() => {
    engine.cleanExpired().catch((error: unknown) => options.logger.error({ err: error }, 'retention cleanup failed'));
  }, day);
  daily.unref();
  let closing: Promise<void> | undefined;
  const extras = {
    store,
    blobs,
    close() {
      closing ??= (async () => {
        clearInterval(daily);
        await engine.shutdown();
        await store.close();
      })();
      return closing;
    },
  };
  // The engine's own methods and getters (`stats` reads the queue live), with the store beside them.
  return Object.assign(Object.create(engine) as ConversationEngine, extras);
}
