import { mkdirSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { type ConversationEngine, createConversationEngine } from '../core/engine/conversation-engine.js';
import type { ImageProvider } from '../core/image-provider.js';
import type { BlobStore, Store } from '../core/store.js';
import { measureImage } from '../images/measure-image.js';
import { type Logger, newReferenceId } from '../logging/logger.js';
import { createFileBlobStore } from '../store/blob-store.js';
import { dataDirPaths } from '../store/data-dir-layout.js';
import { createSqliteStore } from '../store/sqlite-store.js';

export interface EngineHandle {
  readonly engine: ConversationEngine;
  readonly store: Store;
  readonly blobs: BlobStore;
  /** Stops taking work, interrupts what is still running after the grace time, closes the store. */
  close(): Promise<void>;
}

const day = 24 * 3_600_000;

/** The store (SQLite in DATA_DIR), the blob store and the engine, configured from the environment. */
export function createEngine(config: Config, provider: ImageProvider, logger: Logger): EngineHandle {
  mkdirSync(config.DATA_DIR, { recursive: true });
  const paths = dataDirPaths(config.DATA_DIR);
  const store = createSqliteStore({ path: paths.database });
  const blobs = createFileBlobStore({ directory: paths.images });
  const engine = createConversationEngine({
    store,
    blobs,
    provider,
    catalogue: config.catalogue,
    logger: logger.child({ module: 'engine' }),
    measure: measureImage,
    newReferenceId,
    settings: {
      defaultModel: config.DEFAULT_MODEL,
      concurrency: config.IMAGE_API_CONCURRENCY,
      jobTimeoutMs: config.JOB_TIMEOUT_MS,
      context: config.CONVERSATION_CONTEXT,
      retentionMs: config.RETENTION_DAYS * day,
      quota: {
        memberPerHour: config.QUOTA_MEMBER_PER_HOUR,
        ...(config.QUOTA_MEMBER_PER_DAY !== undefined ? { memberPerDay: config.QUOTA_MEMBER_PER_DAY } : {}),
        ...(config.QUOTA_SERVER_PER_DAY !== undefined ? { serverPerDay: config.QUOTA_SERVER_PER_DAY } : {}),
      },
    },
  });
  const daily = setInterval(() => {
    engine.cleanExpired().catch((error: unknown) => logger.error({ err: error }, 'retention cleanup failed'));
  }, day);
  daily.unref();
  return {
    engine,
    store,
    blobs,
    async close() {
      clearInterval(daily);
      await engine.shutdown();
      await store.close();
    },
  };
}
