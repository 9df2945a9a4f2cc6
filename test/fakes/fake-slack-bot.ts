import { type AppEngine, createEngine, openStorage } from '../../src/app/create-engine.js';
import { createProvider } from '../../src/app/create-provider.js';
import { slackConfigOf } from '../../src/app/platform-configs.js';
import { openSharedQueue } from '../../src/app/shared-queue.js';
import { type StartedPlatforms, startPlatforms } from '../../src/app/start-platforms.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { createConcurrencyLimit } from '../../src/images/concurrency-limit.js';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import { createLogger } from '../../src/logging/logger.js';
import {
  createSlackPlatform,
  type SlackPlatform,
  type SlackSettings,
} from '../../src/platforms/slack/slack-platform.js';
import { type AppServer, createAppServer } from '../../src/server/http-server.js';
import type { FakeImageApi } from './fake-image-api.js';
import { eventEnvelope } from './fake-slack-payloads.js';
import { createSlackSigner, type SlackRequestSigner } from './fake-slack-signer.js';
import type { FakeSlack } from './fake-slack-types.js';

export interface SlackBotOptions {
  /** The fake Slack (in this process, or only its URLs and token when it runs elsewhere: then nothing is echoed). */
  readonly slack: Pick<FakeSlack, 'botToken' | 'apiUrl'> & Partial<Pick<FakeSlack, 'echoTo' | 'teamId' | 'botUserId'>>;
  readonly imageApi: Pick<FakeImageApi, 'url'>;
  readonly dataDir: string;
  readonly signingSecret?: string;
  /** Extra environment (`IMAGE_API_CONCURRENCY`, quotas, …). */
  readonly env?: Readonly<Record<string, string>>;
  readonly settings?: Partial<SlackSettings>;
  /** Have the fake send the bot's own posts back as events, as Slack does (true). */
  readonly echo?: boolean;
  readonly logLevel?: string;
  /** Start only the outbound half: no receiver is mounted (a worker process). */
  readonly outboundOnly?: boolean;
  /** `REDIS_URL`, `DATABASE_URL` and their isolation: the engine runs on BullMQ and PostgreSQL. */
  readonly scaledEnv?: Readonly<Record<string, string>>;
}

/** One pino line, parsed. */
export type LogLine = Readonly<Record<string, unknown>> & { readonly msg: string; readonly level: number };

/**
 * A whole threadpaint process in-process, wired like `main.ts` (config → pipeline → provider → engine over SQLite
 * in `dataDir` → the one HTTP server → the Slack platform), against the fake Slack and the fake image API.
 */
export interface SlackBot {
  readonly url: string;
  readonly config: Config;
  readonly signer: SlackRequestSigner;
  readonly engine: AppEngine;
  readonly platform: SlackPlatform;
  readonly server: AppServer;
  readonly logs: readonly LogLine[];
  /** Resolves with the first log line (past or future) that matches; rejects after `timeoutMs` (5000). */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  stop(): Promise<void>;
  /** Dies without the engine's shutdown: jobs running now stay `running` in the store, as after a kill -9. */
  crash(): Promise<void>;
}

export async function startSlackBot(options: SlackBotOptions): Promise<SlackBot> {
  const { slack, imageApi } = options;
  const signingSecret = options.signingSecret ?? 'test-signing-secret';
  const config = loadConfig({
    readEnvFile: false,
    cwd: options.dataDir,
    env: {
      IMAGE_API_URL: imageApi.url,
      IMAGE_API_KEY: 'sk-test',
      ALLOW_PRIVATE_DOWNLOADS: 'true',
      DATA_DIR: options.dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: options.logLevel ?? 'info',
      ...options.scaledEnv,
      ...options.env,
    },
  });
  const logs: LogLine[] = [];
  const logWaiters = new Set<(line: LogLine) => void>();
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: {
      write(text: string) {
        const line = JSON.parse(text) as LogLine;
        logs.push(line);
        for (const waiter of [...logWaiters]) waiter(line);
      },
    },
  });
  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 5000) =>
    new Promise<LogLine>((resolve, reject) => {
      const existing = logs.find(predicate);
      if (existing) return resolve(existing);
      const waiter = (line: LogLine) => {
        if (!predicate(line)) return;
        clearTimeout(timer);
        logWaiters.delete(waiter);
        resolve(line);
      };
      const timer = setTimeout(() => {
        logWaiters.delete(waiter);
        reject(
          new Error(
            `no matching log line within ${timeoutMs} ms (last: ${logs
              .slice(-5)
              .map((entry) => entry.msg)
              .join(' | ')})`,
          ),
        );
      }, timeoutMs);
      logWaiters.add(waiter);
    });
  const pipeline = createImagePipeline();
  const provider = createProvider(config, pipeline);
  // With both URLs (the scaled mode), as `npm start` does: PostgreSQL for the state, BullMQ for the queue.
  const storage = config.DATABASE_URL ? await openStorage(config, logger) : undefined;
  const shared = config.REDIS_URL ? await openSharedQueue(config, 'all', logger) : undefined;
  const engine = createEngine(config, provider.provider, logger, storage, shared?.factory);
  const server = createAppServer({
    host: config.HOST,
    port: config.PORT,
    health: () => ({ ok: true, queue: engine.stats }),
  });
  const services = { pipeline, logger, server, uploads: createConcurrencyLimit(1) };
  const platform = createSlackPlatform({
    ...slackConfigOf(config, services),
    // A broken fake must fail a test at once, not after web-api's 30 minutes of retries.
    settings: { retryConfig: { retries: 0 }, ...options.settings },
  });
  const platforms: StartedPlatforms = await startPlatforms(engine, [platform], {
    ...(options.outboundOnly ? { outboundOnly: true } : {}),
  });
  const address = await server.listen();
  await engine.start();
  const signer = createSlackSigner({ url: `${address.url}/slack/events`, secret: signingSecret });
  const echo = (options.echo ?? true) ? slack.echoTo : undefined;
  const identity = { teamId: slack.teamId ?? 'T1', botUserId: slack.botUserId ?? 'UBOT' };
  echo?.(async (event) => void (await signer.event(eventEnvelope(identity, event))));
  return {
    url: address.url,
    config,
    signer,
    engine,
    platform,
    server,
    logs,
    waitForLog,
    async stop() {
      echo?.(undefined);
      await server.close();
      // The engine first (jobs still running are marked interrupted and their members told), then Slack.
      await engine.shutdown();
      await platforms.stop();
      await engine.close();
      await shared?.close();
      await provider.close();
    },
    async crash() {
      echo?.(undefined);
      await server.close();
      await platforms.stop();
      // The store closes under the running job: nothing it does afterwards is recorded. Its upstream call is left
      // hanging (closing the provider would wait for it); it ends when the fake image API closes.
      await engine.store.close();
      await shared?.close();
    },
  };
}
