import { mkdirSync } from 'node:fs';
import type { Config } from '../config/config.js';
import type { ImageProvider } from '../core/image-provider.js';
import { type Logger, newReferenceId } from '../logging/logger.js';
import { type AppEngine, openEngine } from './open-engine.js';

export type { AppEngine } from './open-engine.js';

const day = 24 * 3_600_000;

/** The engine configured from the environment: `DATA_DIR`, the catalogue, quotas, limits, retention. */
export function createEngine(config: Config, provider: ImageProvider, logger: Logger): AppEngine {
  mkdirSync(config.DATA_DIR, { recursive: true });
  return openEngine({
    dataDir: config.DATA_DIR,
    provider,
    catalogue: config.catalogue,
    logger: logger.child({ module: 'engine' }),
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
}
