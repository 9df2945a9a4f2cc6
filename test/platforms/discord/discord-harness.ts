import { Agent, setGlobalDispatcher } from 'undici';
import { afterEach, expect } from 'vitest';
import { createHealthCheck } from '../../../src/app/health-check.js';
import { type AppEngine, openEngine } from '../../../src/app/open-engine.js';
import type { EngineSettings } from '../../../src/core/engine/engine-context.js';
import {
  createModelCatalogue,
  type ModelCatalogue,
  type ModelOverride,
} from '../../../src/core/models/model-catalogue.js';
import type { BlobStore, Store } from '../../../src/core/store.js';
import { createImagePipeline } from '../../../src/images/image-pipeline.js';
import { createLogger } from '../../../src/logging/logger.js';
import {
  createDiscordPlatform,
  type DiscordPlatform,
  type DiscordPlatformConfig,
} from '../../../src/platforms/discord/discord-platform.js';
import { createAppServer } from '../../../src/server/http-server.js';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  type FakeDiscordRequest,
  type FakeDispatchedInteraction,
  type FakeInteractionInput,
  startFakeDiscord,
} from '../../fakes/fake-discord.js';
import { type FakeImageApi, type FakeImageApiOptions, startFakeImageApi } from '../../fakes/fake-image-api.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import { type EngineEventLog, recordEngineEvents } from '../../support/engine-events.js';
import { createFakeApiProvider } from '../../support/fake-api-provider.js';
import { type ObservedProvider, observeProvider } from '../../support/observed-provider.js';
import { dropScaledFor, openScaledParts, scaledMode } from '../../support/scaled-mode.js';
import { createTempDir, type TempDir } from '../../support/temp-dir.js';
import { createWaitList, type WaitList } from '../../support/wait-list.js';

// As in main.ts, where the image client loads the project's undici (7) before discord.js loads its own (6): the
// first undici to load installs the global dispatcher, and discord.js's REST client must not depend on which one.
setGlobalDispatcher(new Agent());

/** A distinct, real PNG per generation, so a test can tell which image went where. */
export function colouredPng(index: number, size = 32): Uint8Array {
  const red = (index * 67) % 256;
  return encodePng(size, size, (x, y) => [red, (255 - red + x) % 256, (index * 29 + y) % 256]);
}

/** Random pixels: a PNG that no re-encode at the same size makes small. */
export function noisePng(width: number, height: number): Uint8Array {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % 256;
  };
  return encodePng(width, height, () => [next(), next(), next()]);
}

/**
 * The wall clock the fake Discord, the bot and the engine share: real time plus an offset a test can push forward
 * (past an interaction token's 15 minutes) without waiting.
 */
export interface ShiftedClock {
  readonly now: () => number;
  advance(ms: number): void;
}

export function createShiftedClock(): ShiftedClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

/** One pino line of the bot's operator log, parsed. */
export type LogLine = Readonly<Record<string, unknown>> & { readonly msg: string; readonly level: number };

/** One running threadpaint (engine over SQLite in the data dir + the Discord platform); a restart makes another. */
export interface DiscordBot {
  readonly platform: DiscordPlatform;
  readonly engine: AppEngine;
  readonly store: Store;
  readonly blobs: BlobStore;
  readonly events: EngineEventLog;
  /** The engine stops (running jobs interrupted, members told), then Discord, then the store. */
  stop(): Promise<void>;
}

export interface DiscordHarnessOptions {
  readonly fake?: FakeDiscordOptions;
  readonly imageApi?: FakeImageApiOptions;
  /** DISCORD_MESSAGE_CONTENT (true). */
  readonly messageContent?: boolean;
  /** Register in the fake's first guild (true), else globally. */
  readonly guildScope?: boolean;
  readonly defaultModel?: string;
  /** Operator model entries on top of the built-in catalogue. */
  readonly models?: readonly ModelOverride[];
  readonly settings?: Partial<EngineSettings>;
  /** Start the bot at once (true). */
  readonly start?: boolean;
}

export interface DiscordHarness {
  readonly fake: FakeDiscord;
  readonly imageApi: FakeImageApi;
  /** The real HTTP image client to the fake image API, behind a gate a test can hold. */
  readonly provider: ObservedProvider;
  readonly clock: ShiftedClock;
  readonly dataDir: TempDir;
  readonly catalogue: ModelCatalogue;
  /** The images the fake image API answered, in order. */
  readonly generated: Uint8Array[];
  /** Every line of the operator log, across restarts. */
  readonly logs: WaitList<LogLine>;
  /** The running bot (throws if none). */
  readonly bot: DiscordBot;
  startBot(
    overrides?: Partial<DiscordPlatformConfig>,
    options?: { readonly outboundOnly?: boolean },
  ): Promise<DiscordBot>;
  /** Stops the running bot and starts another on the same data directory; the fakes keep their state. */
  restart(overrides?: Partial<DiscordPlatformConfig>): Promise<DiscordBot>;
  /** `/imagine` through the gateway (member, channel and options as given). */
  imagine(prompt: string, input?: FakeInteractionInput): FakeDispatchedInteraction;
  /** The initial response (callback) of an interaction, once answered. */
  callback(sent: FakeDispatchedInteraction, timeoutMs?: number): Promise<FakeDiscordRequest>;
  /** The PATCH of `@original` that carries files (the result), once answered. */
  result(sent: FakeDispatchedInteraction, timeoutMs?: number): Promise<FakeDiscordRequest>;
  /** PATCHes of `@original` so far, in order. */
  originalEdits(sent: FakeDispatchedInteraction): FakeDiscordRequest[];
  /** Error-level log lines (an operator would be paged for these), except those a test accepted. */
  errorLogs(): LogLine[];
  /** Marks the error-level lines so far that match as expected (a test that provokes a failure on purpose). */
  acceptErrorLogs(predicate: (line: LogLine) => boolean): LogLine[];
  close(): Promise<void>;
}

const originalPath = (fake: FakeDiscord, sent: FakeDispatchedInteraction) =>
  `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`;

/**
 * The fake Discord (REST + gateway), the fake image API, a real SQLite store and blob store in a temp dir, the
 * conversation engine and threadpaint's Discord platform on the real discord.js — wired like `main.ts`, with the
 * clock shared and injected.
 */
export async function startDiscordHarness(options: DiscordHarnessOptions = {}): Promise<DiscordHarness> {
  const clock = createShiftedClock();
  const generated: Uint8Array[] = [];
  const fake = await startFakeDiscord({ now: clock.now, ...options.fake });
  const imageApi = await startFakeImageApi({
    b64Image: () => {
      const bytes = colouredPng(generated.length + 1);
      generated.push(bytes);
      return bytes;
    },
    ...options.imageApi,
  });
  const api = createFakeApiProvider(imageApi.url);
  const provider = observeProvider(api.provider);
  const dataDir = createTempDir('threadpaint-discord-');
  const catalogue = createModelCatalogue(options.models ?? []);
  const pipeline = createImagePipeline();
  const logs = createWaitList<LogLine>((line) => `${line.level} ${line.msg}`);
  const logger = createLogger({
    level: 'info',
    destination: { write: (text: string) => logs.push(JSON.parse(text) as LogLine) },
  });
  let current: DiscordBot | undefined;
  const accepted = new Set<LogLine>();

  async function startBot(
    overrides: Partial<DiscordPlatformConfig> = {},
    mode: { readonly outboundOnly?: boolean } = {},
  ): Promise<DiscordBot> {
    // THREADPAINT_TEST_QUEUE=redis: PostgreSQL and BullMQ, as `npm start` with both URLs set (test/support/scaled-mode).
    const concurrency = options.settings?.concurrency ?? 4;
    const scaled = scaledMode
      ? await openScaledParts(dataDir.path, logger, { IMAGE_API_CONCURRENCY: String(concurrency) })
      : undefined;
    const engine = openEngine({
      ...(scaled ? { storage: scaled.storage, queue: scaled.queue } : { dataDir: dataDir.path }),
      provider,
      catalogue,
      logger: logger.child({ module: 'engine' }),
      now: clock.now,
      settings: {
        defaultModel: options.defaultModel ?? 'gemini-2.5-flash-image',
        concurrency,
        shutdownGraceMs: 200,
        ...options.settings,
      },
    });
    const events = recordEngineEvents(engine);
    const platform = createDiscordPlatform({
      token: fake.botToken,
      apiUrl: fake.apiUrl,
      ...(options.guildScope === false ? {} : { guildId: fake.guildId }),
      messageContent: options.messageContent ?? true,
      allowPrivateDownloads: true,
      pipeline,
      logger,
      now: clock.now,
      ...overrides,
    });
    // As in main.ts: the platform is attached before recovery, so interrupted jobs are reported.
    const detach = engine.attachPlatform(platform);
    try {
      await platform.start(engine, mode);
    } catch (error) {
      detach();
      events.stop();
      await engine.close();
      await scaled?.close();
      throw error;
    }
    await engine.start();
    const bot: DiscordBot = {
      platform,
      engine,
      store: engine.store,
      blobs: engine.blobs,
      events,
      async stop() {
        await engine.shutdown();
        await platform.stop();
        events.stop();
        await engine.close();
        await scaled?.close();
      },
    };
    current = bot;
    return bot;
  }

  const harness: DiscordHarness = {
    fake,
    imageApi,
    provider,
    clock,
    dataDir,
    catalogue,
    generated,
    logs,
    get bot() {
      if (!current) throw new Error('no bot is running');
      return current;
    },
    startBot,
    async restart(overrides) {
      await current?.stop();
      current = undefined;
      return startBot(overrides);
    },
    imagine: (prompt, input = {}) =>
      fake.interaction({ name: 'imagine', ...input, options: { prompt, ...(input.options as object) } }),
    callback: (sent, timeoutMs) =>
      fake.waitFor((request) => request.path === `/interactions/${sent.id}/${sent.token}/callback`, timeoutMs),
    result: (sent, timeoutMs = 10_000) =>
      fake.waitFor(
        (request) =>
          request.method === 'PATCH' &&
          request.path === originalPath(fake, sent) &&
          request.files.length > 0 &&
          request.status === 200,
        timeoutMs,
      ),
    originalEdits: (sent) =>
      fake.requests.filter((request) => request.method === 'PATCH' && request.path === originalPath(fake, sent)),
    errorLogs: () => logs.items.filter((line) => line.level >= 50 && !accepted.has(line)),
    acceptErrorLogs(predicate) {
      const matching = logs.items.filter((line) => line.level >= 50 && predicate(line));
      for (const line of matching) accepted.add(line);
      return matching;
    },
    async close() {
      provider.release();
      await current?.stop();
      current = undefined;
      await Promise.all([fake.close(), imageApi.close()]);
      await api.close();
      if (scaledMode) await dropScaledFor(dataDir.path);
      dataDir.remove();
    },
  };
  if (options.start !== false) await startBot();
  return harness;
}

/** A guild whose `general` channel has a thread `chat` that is not a conversation (the bot answers in place there). */
export const guildWithChatThread = {
  guilds: [{ channels: [{ name: 'general' }], threads: [{ parentId: 'general', name: 'chat' }] }],
} as const satisfies FakeDiscordOptions;

/** Everything Discord received, as text: what members could ever see. */
export function everythingSent(fake: FakeDiscord): string {
  return fake.requests.map((request) => JSON.stringify(request.body ?? null)).join('\n');
}

/** The `content` of a request body. */
export function contentOf(request: FakeDiscordRequest | undefined): string {
  const body = request?.body as { content?: unknown; data?: { content?: unknown } } | undefined;
  return String(body?.content ?? body?.data?.content ?? '');
}

/** Custom ids of every button in a request body (message components or a callback's data). */
export function customIdsOf(request: FakeDiscordRequest | undefined): string[] {
  const body = request?.body as { components?: unknown; data?: { components?: unknown } } | undefined;
  const rows = (body?.components ?? body?.data?.components ?? []) as { components?: { custom_id?: string }[] }[];
  return rows.flatMap((row) => (row.components ?? []).map((component) => component.custom_id ?? ''));
}

/** Button labels of a request body. */
export function labelsOf(request: FakeDiscordRequest | undefined): string[] {
  const body = request?.body as { components?: unknown } | undefined;
  const rows = (body?.components ?? []) as { components?: { label?: string }[] }[];
  return rows.flatMap((row) => (row.components ?? []).map((component) => component.label ?? ''));
}

/** A finished `/imagine` with its thread: the interaction, the result message (= the thread's id). */
export interface StartedConversation {
  readonly sent: FakeDispatchedInteraction;
  readonly messageId: string;
  readonly threadId: string;
  readonly result: FakeDiscordRequest;
}

/** Runs `/imagine` to the end: result edited in, thread started and its first line posted. */
export async function startConversation(
  harness: DiscordHarness,
  prompt: string,
  input?: FakeInteractionInput,
): Promise<StartedConversation> {
  const { fake } = harness;
  const sent = harness.imagine(prompt, input);
  const result = await harness.result(sent);
  const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
  await fake.waitFor((request) => request.method === 'POST' && request.path === `/channels/${messageId}/messages`);
  return { sent, messageId, threadId: messageId, result };
}

/** The bot's channel message edits and posts in a channel (thread), in order. */
export function channelWrites(fake: FakeDiscord, channelId: string): FakeDiscordRequest[] {
  return fake.requests.filter(
    (request) =>
      (request.method === 'POST' && request.path === `/channels/${channelId}/messages`) ||
      (request.method === 'PATCH' && request.path.startsWith(`/channels/${channelId}/messages/`)),
  );
}

/** The first answered PATCH of a channel message that carries files (a result posted with the bot token). */
export function channelResult(fake: FakeDiscord, channelId: string, timeoutMs = 10_000): Promise<FakeDiscordRequest> {
  return fake.waitFor(
    (request) =>
      (request.method === 'PATCH' || request.method === 'POST') &&
      request.path.startsWith(`/channels/${channelId}/messages`) &&
      request.files.length > 0 &&
      request.status === 200,
    timeoutMs,
  );
}

/**
 * One harness per test, closed after it; by then Discord must have seen no body it would reject, no unknown route,
 * and the operator log no error-level line (a test that provokes one clears or inspects it first).
 */
export function useDiscordHarness(): { start(options?: DiscordHarnessOptions): Promise<DiscordHarness> } {
  let current: DiscordHarness | undefined;
  afterEach(async () => {
    const harness = current;
    current = undefined;
    if (!harness) return;
    try {
      expect(harness.fake.violations).toEqual([]);
      expect(harness.fake.unhandled).toEqual([]);
      expect(harness.errorLogs().map((line) => line.msg)).toEqual([]);
    } finally {
      await harness.close();
    }
  });
  return {
    async start(options) {
      current = await startDiscordHarness(options);
      return current;
    },
  };
}

/** The app's HTTP server with `/healthz` over the harness's bot and store, listening on a loopback port. */
export async function listenWithHealth(harness: DiscordHarness): Promise<{ url: string; close: () => Promise<void> }> {
  const { platform, store } = harness.bot;
  const server = createAppServer({
    host: '127.0.0.1',
    port: 0,
    health: createHealthCheck({
      store,
      dataDir: harness.dataDir.path,
      minFreeBytes: 0,
      platforms: () => ({ discord: platform.health() }),
    }),
  });
  const { url } = await server.listen();
  return { url, close: () => server.close() };
}
