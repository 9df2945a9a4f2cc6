import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCdn } from './fake-discord-cdn.js';
import { createEvents } from './fake-discord-events.js';
import { createFaults } from './fake-discord-faults.js';
import { createGateway, shardOfGuild } from './fake-discord-gateway.js';
import { readyPayload } from './fake-discord-guild-create.js';
import { sendJson } from './fake-discord-http.js';
import { createInteractionMessages } from './fake-discord-interaction-messages.js';
import { fakeBotPermissions, fakeMemberPermissions } from './fake-discord-permissions.js';
import type { FakeDiscordRequest, FakeDiscordViolation } from './fake-discord-records.js';
import { createReplay } from './fake-discord-replay.js';
import type { FakeApp, Route } from './fake-discord-router.js';
import { appRoutes } from './fake-discord-routes-app.js';
import { callbackRoutes } from './fake-discord-routes-callback.js';
import { commandRoutes } from './fake-discord-routes-commands.js';
import { messageRoutes } from './fake-discord-routes-messages.js';
import { threadRoutes } from './fake-discord-routes-threads.js';
import { webhookRoutes } from './fake-discord-routes-webhooks.js';
import { defaultGuildSeed, seedGuild } from './fake-discord-seed.js';
import { createRequestHandler } from './fake-discord-server.js';
import { userObject } from './fake-discord-shapes.js';
import { createSnowflakes } from './fake-discord-snowflake.js';
import { defaultDiscordSpecPath, specValidator } from './fake-discord-spec.js';
import { createFakeState } from './fake-discord-state.js';
import { threadDeletePayload } from './fake-discord-threads.js';
import type { FakeDiscord, FakeDiscordOptions } from './fake-discord-types.js';
import { createWaiters } from './fake-discord-waiters.js';

export type { FakeGatewayDispatch, FakeShard } from './fake-discord-gateway.js';
export type * from './fake-discord-inputs.js';
export { fakeBotPermissions, fakeIntents, fakeMemberPermissions, fakePermissions } from './fake-discord-permissions.js';
export type * from './fake-discord-records.js';
export { snowflakeTime } from './fake-discord-snowflake.js';
export type * from './fake-discord-types.js';

/** One object of defaults for the fake (ids default to fresh snowflakes; the bot user id is the application id). */
export const fakeDiscordDefaults = {
  botToken: 'fake-bot-token',
  botUsername: 'threadpaint',
  validate: true,
  specPath: defaultDiscordSpecPath,
  interactionResponseDeadlineMs: 3_000,
  tokenLifetimeMs: 15 * 60_000,
  now: () => Date.now(),
  echoBotActions: true,
  shards: 1,
  maxConcurrency: 1,
} as const satisfies FakeDiscordOptions;

/**
 * Starts a loopback Discord for the real discord.js: REST under `/api/v10`, the gateway (WebSocket) and a CDN under
 * `/cdn`, all on one 127.0.0.1 port. Request bodies are checked against the official OpenAPI spec and Discord's
 * limits; interactions expire like Discord's (3 s to answer, 15 minutes of webhook token).
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const config = { ...fakeDiscordDefaults, ...definedOnly(options) };
  const now = config.now;
  const snowflake = createSnowflakes(now);
  const applicationId = options.applicationId ?? snowflake();
  const botUser = userObject(options.botUserId ?? applicationId, config.botUsername, true);
  const userId = options.userId ?? snowflake();
  const spec = config.validate ? specValidator(config.specPath) : undefined;

  let handler: (request: IncomingMessage, response: ServerResponse) => Promise<void> = async () => undefined;
  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      sendJson(response, 500, { message: `fake Discord: ${String(error)}`, code: 0 });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gatewayUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const state = createFakeState({ now, snowflake, botUser });
  state.user(userId, 'member');
  const permissions = {
    botPermissions: String(fakeBotPermissions),
    everyonePermissions: String(fakeMemberPermissions),
  };
  const seeding = { now, snowflake, botUser, ...permissions };
  const guilds = (options.guilds ?? [defaultGuildSeed]).map((seed) => seedGuild(state, seed, seeding));
  const firstGuild = guilds[0];
  const firstChannel = [...state.channels.values()].find(
    (channel) => channel.guild_id === firstGuild?.id && channel.type === 0,
  );
  if (!firstGuild || !firstChannel) throw new Error('fake Discord: seed at least one guild with a text channel');

  const requests: FakeDiscordRequest[] = [];
  const unhandled: FakeDiscordRequest[] = [];
  const violations: FakeDiscordViolation[] = [];
  const gatewayErrors: string[] = [];
  const describe = (request: FakeDiscordRequest) => `${request.method} ${request.path} → ${request.status ?? '…'}`;
  const answered = (request: FakeDiscordRequest) => request.status !== undefined;
  const waiters = createWaiters(() => requests, describe, 'matching request', answered);
  // One ever-present item: each notify re-evaluates the waiting conditions (readiness is a state, not an event).
  const readiness = createWaiters(
    () => [0],
    () => `${gateway.readyCount} ready session(s)`,
    'ready gateway client',
  );
  const faults = createFaults();
  const cdn = createCdn({ snowflake, now, baseUrl: () => baseUrl });

  const gateway = createGateway({
    server,
    botToken: config.botToken,
    botUserId: botUser.id,
    allowedIntents: options.allowedIntents,
    requiredShards: options.requiredShards ?? 1,
    gatewayUrl: () => gatewayUrl,
    readyData: (keep) => readyPayload(botUser, [...state.guilds.keys()].filter(keep), applicationId),
    guildCreates: (keep) =>
      [...state.guilds.values()].filter((guild) => keep(guild.id)).map((guild) => state.guildCreate(guild)),
    onError: (message) => {
      gatewayErrors.push(message);
      readiness.notify(0);
    },
    onReady: () => readiness.notify(0),
  });

  const app: FakeApp = {
    botToken: config.botToken,
    applicationId,
    botUser,
    gatewayUrl,
    shards: config.shards,
    maxConcurrency: config.maxConcurrency,
    interactionResponseDeadlineMs: config.interactionResponseDeadlineMs,
    tokenLifetimeMs: config.tokenLifetimeMs,
    state,
    cdn,
    snowflake,
    now,
    echo(t, d) {
      if (config.echoBotActions) gateway.broadcast(t, d);
    },
    gatewayMessage: state.gatewayMessage,
  };
  const interactionMessages = createInteractionMessages(app);
  const routes: Route[] = [
    ...appRoutes(app),
    ...commandRoutes(app),
    ...callbackRoutes(app, interactionMessages),
    ...webhookRoutes(app, interactionMessages),
    ...messageRoutes(app),
    ...threadRoutes(app),
  ];

  /** Public dispatches fail loudly when no client would see them: a test that dispatches too early says so. */
  const sink = {
    assertListening(t: string, guildId?: string): void {
      if (!gateway.hasReadyClient(guildId)) {
        const shard = guildId === undefined ? '' : ` on the shard of guild ${guildId}`;
        throw new Error(`fake Discord: no ready gateway client${shard} for ${t} (await fake.waitForReady() first)`);
      }
    },
    send(t: string, d: unknown): void {
      if (gateway.broadcast(t, d) === 0) {
        throw new Error(`fake Discord: no ready gateway client for ${t} (await fake.waitForReady() first)`);
      }
    },
  };
  const events = createEvents(app, { userId, channelId: firstChannel.id }, sink);
  const replay = createReplay(app, sink);

  handler = createRequestHandler({
    baseUrl,
    botToken: config.botToken,
    routes,
    spec,
    faults,
    cdn,
    requests,
    unhandled,
    violations,
    answered: waiters.notify,
  });

  const channelByName = (name: string, guildId = firstGuild.id) => {
    const found = [...state.channels.values(), ...state.threads.values()].find(
      (channel) => channel.guild_id === guildId && channel.name === name,
    );
    if (!found) throw new Error(`fake Discord: no channel named ${name} in guild ${guildId}`);
    return found.id;
  };

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api`,
    gatewayUrl,
    botToken: config.botToken,
    applicationId,
    botUserId: botUser.id,
    userId,
    guildId: firstGuild.id,
    channelId: firstChannel.id,
    channel: channelByName,
    requests,
    unhandled,
    violations,
    gatewayErrors,
    identifies: gateway.identifies,
    dispatches: gateway.dispatches,
    shardOf: (guildId, shardCount) => shardOfGuild(guildId, shardCount),
    get readyCount() {
      return gateway.readyCount;
    },
    messages: state.messages,
    threads: state.threads,
    commands: state.commands,
    interactions: state.interactions,
    message: state.message,
    messagesIn: state.messagesIn,
    waitFor: waiters.waitFor,
    async waitForReady(wait = {}) {
      const sessions = wait.sessions ?? 1;
      const fatalBefore = gatewayErrors.length;
      await readiness.waitFor(() => {
        const fatal = gatewayErrors.slice(fatalBefore).find((message) => /^closed 40(0[4-5]|1[0-4])/.test(message));
        if (fatal) throw new Error(`fake Discord: the gateway ${fatal}`);
        return gateway.readyCount >= sessions && gateway.hasReadyClient();
      }, wait.timeoutMs ?? 5_000);
    },
    dispatch: sink.send,
    closeGateway: (code = 4000, reason = 'fake Discord: closed by the test') => gateway.closeAll(code, reason),
    dropShard: (shard, code = 4000) => gateway.dropShard(shard, code, 'fake Discord: the network dropped this shard'),
    restoreShard: gateway.restoreShard,
    interaction: events.interaction,
    messageCreate: events.messageCreate,
    messageDelete: events.messageDelete,
    reactionAdd: events.reactionAdd,
    threadUpdate: events.threadUpdate,
    threadDelete(threadId) {
      const thread = state.threads.get(threadId);
      if (!thread) throw new Error(`fake Discord: no thread ${threadId}`);
      sink.assertListening('THREAD_DELETE', thread.guild_id);
      state.threads.delete(threadId);
      sink.send('THREAD_DELETE', threadDeletePayload(thread));
    },
    snowflake,
    replayMessage: replay.message,
    replayInteraction: replay.interaction,
    expireInteraction(idOrToken) {
      const record = state.interactions.get(idOrToken) ?? state.interactionsByToken.get(idOrToken);
      if (!record) throw new Error(`fake Discord: no interaction ${idOrToken}`);
      record.expired = true;
    },
    cdnFile: (bytes, filename, contentType) => cdn.store({ bytes, filename, contentType }).url,
    cdnBytes: cdn.bytes,
    prepareSpec() {
      const started = performance.now();
      spec?.prepare(routes);
      return performance.now() - started;
    },
    rateLimitNext: faults.rateLimit,
    failNext: faults.fail,
    clearRecords() {
      for (const list of [requests, unhandled, violations, gatewayErrors]) list.length = 0;
    },
    async close() {
      waiters.cancelAll('closed');
      readiness.cancelAll('closed');
      await gateway.close();
      if (!server.listening) return;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
