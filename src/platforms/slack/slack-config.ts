import type { webApi } from '@slack/bolt';
import type { PlatformAckObserver, PlatformApiObserver } from '../../core/platform/chat-platform.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { Logger } from '../../logging/logger.js';
import type { AppServer } from '../../server/http-server.js';
import { slackFileHosts } from './slack-file-hosts.js';

/** Slack's own slice of the configuration, and what it runs with. */
export interface SlackPlatformConfig {
  /** The Bot User OAuth Token (`SLACK_BOT_TOKEN`, `xoxb-…`): every Web API call. */
  readonly botToken: string;
  /** HTTP events (`SLACK_SIGNING_SECRET`): requests on `POST /slack/events` are checked with it. */
  readonly signingSecret?: string;
  /** Socket Mode instead (`SLACK_APP_TOKEN`, `xapp-…`). */
  readonly appToken?: string;
  /** Web API base, `https://slack.com/api/` or a proxy's (or a test fake's). */
  readonly apiUrl: string;
  /** Files may come from private addresses (`ALLOW_PRIVATE_DOWNLOADS`: on-prem, tests). */
  readonly allowPrivateDownloads: boolean;
  /** The process's one HTTP server: HTTP mode mounts `POST /slack/events` on it. Not needed outbound only. */
  readonly server?: AppServer;
  readonly logger: Logger;
  readonly pipeline: ImagePipeline;
  readonly settings?: Partial<SlackSettings>;
  /** Told of every Web API call and rate limit, for counting. */
  readonly onApiCall?: PlatformApiObserver;
  /** Told how long each request took to be acknowledged, for the acknowledgement-latency histogram. */
  readonly onAck?: PlatformAckObserver;
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
  /** Slack's own limit on the files of one message (the core decides what is taken of them). */
  readonly maxInputFiles: number;
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
  maxInputFiles: 10,
  downloadTimeoutMs: 60_000,
  fileHosts: slackFileHosts,
  dedupeMemory: 10_000,
  stopTimeoutMs: 5_000,
} as const satisfies SlackSettings;
