import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger as BoltLogger, webApi } from '@slack/bolt';
import type { PlatformApiObserver } from '../../core/platform/chat-platform.js';
import type { SlackSettings } from './slack-config.js';
import { slackFailureOf } from './slack-errors.js';

export type WebClient = webApi.WebClient;

/**
 * Three Web API clients, each with its own request queue. All of them reject a 429 at once instead of pausing
 * their queue (web-api's default sleeps with the whole queue paused): a paused queue would stall uploads and make
 * `views.open` miss its 3-second `trigger_id`. Posts and uploads wait out `Retry-After` per call
 * ({@link withRateLimitRetry}); status edits are coalesced and retried by the status updater.
 */
export interface SlackClients {
  /** Options for Bolt's own client, which threadpaint does not call (listeners use `listener`). */
  readonly appOptions: webApi.WebClientOptions;
  /** What listeners call inside Slack's 3 seconds: `views.open`, `conversations.*`, `users.info`, ephemerals. */
  readonly listener: WebClient;
  /** Root and status posts, uploads, turn messages, deletions, file lookups and downloads' metadata. */
  readonly delivery: WebClient;
  /** `chat.update` of status messages only: never retried by the client, never waits. */
  readonly status: WebClient;
}

export function createSlackClients(input: {
  token: string;
  apiUrl: string;
  settings: SlackSettings;
  logger: BoltLogger;
  observer?: PlatformApiObserver;
}): SlackClients {
  const common = {
    slackApiUrl: input.apiUrl,
    logger: input.logger,
    rejectRateLimitedCalls: true,
    timeout: input.settings.apiTimeoutMs,
  } satisfies webApi.WebClientOptions;
  const appOptions = { ...common, retryConfig: input.settings.retryConfig };
  const client = (options: webApi.WebClientOptions) =>
    input.observer
      ? new ObservedWebClient(input.token, options, input.observer)
      : new webApi.WebClient(input.token, options);
  return {
    appOptions,
    listener: client(appOptions),
    delivery: client(appOptions),
    status: client({ ...common, retryConfig: { retries: 0 } }),
  };
}

/** A Web API client that tells an observer of every call it makes and how it ended (for counting, not logging). */
class ObservedWebClient extends webApi.WebClient {
  constructor(
    token: string,
    options: webApi.WebClientOptions,
    private readonly observer: PlatformApiObserver,
  ) {
    super(token, options);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    try {
      const result = await super.apiCall(method, options);
      this.observer({ platform: 'slack', call: method, outcome: 'ok' });
      return result;
    } catch (error) {
      const failure = slackFailureOf(error);
      this.observer({
        platform: 'slack',
        call: method,
        outcome: failure?.code === 'ratelimited' ? 'rate_limited' : 'failed',
        ...(failure?.retryAfter !== undefined ? { retryAfterMs: failure.retryAfter * 1000 } : {}),
      });
      throw error;
    }
  }
}

/**
 * Runs a post or an upload; on a 429 waits `Retry-After` seconds and sends it again, up to `retries` times. Only
 * this call waits: the generation is never repeated, and other calls keep flowing.
 */
export async function withRateLimitRetry<T>(
  call: () => Promise<T>,
  options: {
    retries: number;
    maxRetryAfterSeconds: number;
    /** Stops the wait (shutdown): the call fails with the signal's reason. */
    signal?: AbortSignal;
    onRateLimited?: (seconds: number, attempt: number) => void;
  },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = slackFailureOf(error);
      const seconds = failure?.code === 'ratelimited' ? (failure.retryAfter ?? 1) : undefined;
      if (seconds === undefined || attempt >= options.retries || seconds > options.maxRetryAfterSeconds) throw error;
      options.onRateLimited?.(seconds, attempt + 1);
      await sleep(seconds * 1000, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}
