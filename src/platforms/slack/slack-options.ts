import type { webApi } from '@slack/bolt';
import type { Config } from '../../config/config.js';
import type { ConversationEngine } from '../../core/engine/conversation-engine.js';
import type { BlobStore, Store } from '../../core/store.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { Logger } from '../../logging/logger.js';
import type { AppServer } from '../../server/http-server.js';
import { slackFileHosts } from './slack-file-hosts.js';

/** What the Slack platform needs from the composition root. */
export interface SlackPlatformOptions {
  readonly config: Config;
  readonly engine: ConversationEngine;
  /** Member and workspace settings, and the usage ledger (`/imagine settings`, `/imagine usage`). */
  readonly store: Store;
  readonly blobs?: BlobStore;
  readonly pipeline: ImagePipeline;
  readonly logger: Logger;
  /** The process's one HTTP server: HTTP mode mounts `POST /slack/events` on it. */
  readonly server: AppServer;
  readonly settings?: Partial<SlackSettings>;
}

export interface SlackSettings {
  /** Web API retries for network errors and 5xx (never for 429: those are handled per call). */
  readonly retryConfig: webApi.RetryOptions;
  /** Per-call timeout of Web API requests. */
  readonly apiTimeoutMs: number;
  /** How many times a post or an upload is sent again after a 429 (waiting `Retry-After` each time). */
  readonly rateLimitRetries: number;
  /** A `Retry-After` longer than this is not waited for: the delivery fails and can be retried. */
  readonly maxRetryAfterSeconds: number;
  /** How long a channel the bot is known to be in is not checked again. */
  readonly membershipCacheMs: number;
  /** How long a member's admin flag (`users.info`) is trusted. */
  readonly adminCacheMs: number;
  /** Largest image uploaded as is; bigger outputs are re-encoded to fit. */
  readonly maxUploadBytes: number;
  /** Most files taken from one message. */
  readonly maxInputFiles: number;
  readonly maxDownloadBytes: number;
  readonly downloadTimeoutMs: number;
  /** Hosts the bot token may be sent to for `url_private` (`*.example.com` for subdomains); plus `SLACK_API_URL`'s. */
  readonly fileHosts: readonly string[];
  /** Event ids and message keys remembered for de-duplication. */
  readonly dedupeMemory: number;
  /** How long `stop()` waits for status updates and deliveries in flight. */
  readonly stopTimeoutMs: number;
}

export const slackDefaults = {
  retryConfig: { retries: 3, factor: 2, minTimeout: 1_000, maxTimeout: 8_000, randomize: true },
  apiTimeoutMs: 30_000,
  rateLimitRetries: 3,
  maxRetryAfterSeconds: 120,
  membershipCacheMs: 10 * 60_000,
  adminCacheMs: 10 * 60_000,
  maxUploadBytes: 50 * 1024 * 1024,
  maxInputFiles: 4,
  maxDownloadBytes: 30_000_000,
  downloadTimeoutMs: 60_000,
  fileHosts: slackFileHosts,
  dedupeMemory: 10_000,
  stopTimeoutMs: 5_000,
} as const satisfies SlackSettings;
