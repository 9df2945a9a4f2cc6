import {
  type ConversationEngine,
  type ConversationEngineConfig,
  createConversationEngine,
} from '../core/engine/conversation-engine.js';
import type { BlobStore, Store } from '../core/store.js';
import { measureImage } from '../images/measure-image.js';
import { createFileBlobStore } from '../store/blob-store.js';
import { dataDirPaths } from '../store/data-dir-layout.js';
import { createSqliteStore } from '../store/sqlite-store.js';

/** State and images, opened together: SQLite and files in `DATA_DIR`, or PostgreSQL (`openStorage`). */
export interface Storage {
  readonly store: Store;
  readonly blobs: BlobStore;
}

/** The engine of one process with what it runs on: the store and blobs, and a close for both. */
export interface AppEngine extends ConversationEngine {
  readonly store: Store;
  readonly blobs: BlobStore;
  /** The engine's shutdown (once), then the store closes. */
  close(): Promise<void>;
}

/** What the engine is made with, but the store and blobs: those are opened in `dataDir`, or given as `storage`. */
export interface OpenEngineOptions extends Omit<ConversationEngineConfig, 'store' | 'blobs' | 'measure' | 'newId'> {
  /** `DATA_DIR`: `threadpaint.db` and `images/` live in it (unless `storage` is given). */
  readonly dataDir?: string;
  /** A store and blob store opened elsewhere (PostgreSQL); the engine's close closes the store. */
  readonly storage?: Storage;
}

const day = 24 * 3_600_000;

/** SQLite and the file blob store in `dataDir`, as `DATA_DIR`'s layout names them. */
export function openSqliteStorage(dataDir: string, now?: () => number): Storage {
  const paths = dataDirPaths(dataDir);
  return {
    store: createSqliteStore({ path: paths.database, ...(now ? { now } : {}) }),
    blobs: createFileBlobStore({ directory: paths.images }),
  };
}

/**
 * The one engine factory: the process's (`createEngine`, from the configuration) and every test harness's. The
 * storage given (PostgreSQL), or SQLite and the file blob store in the data directory; the engine over them;
 * retention once a day.
 */
export function openEngine(options: OpenEngineOptions): AppEngine {
  const { dataDir, storage: given, ...config } = options;
  if (!given && dataDir === undefined) throw new Error('openEngine needs a dataDir or a storage');
  // The engine's clock is the store's too (a test's manual clock).
  const { store, blobs } = given ?? openSqliteStorage(dataDir as string, options.now);
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
