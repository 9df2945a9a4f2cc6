import { type Client, REST, Status } from 'discord.js';
import pino from 'pino';
import type { ChatPlatform, PlatformApiObserver, PlatformHealth } from '../../core/platform/chat-platform.js';
import { createImageDownloader } from '../../download/image-downloader.js';
import { type AckTimer, createAckTimer } from './discord-acks.js';
import { createDiscordAttachments, discordDownloadHosts } from './discord-attachments.js';
import { type DiscordCacheSizes, discordCacheSizes } from './discord-caches.js';
import type { DiscordPlatformConfig } from './discord-config.js';
import type { DiscordContext } from './discord-context.js';
import { createDiscordDeliverer } from './discord-deliverer.js';
import { redactDiscordError } from './discord-errors.js';
import { connectDiscordGateway, createDiscordClient } from './discord-gateway.js';
import { createMenuImages } from './discord-menu-images.js';
import { botIdentity, type DiscordOutbound } from './discord-outbound.js';
import { createPermissionNotices } from './discord-permissions.js';
import type { DiscordRests } from './discord-rest-messages.js';
import { createDiscordRestTransport } from './discord-rest-request.js';
import { awaitsDiscordStatus, createDiscordStatus } from './discord-status.js';

export type { DiscordCacheSizes } from './discord-caches.js';
export type { DiscordPlatformConfig, DiscordShards } from './discord-config.js';
export { DiscordStartError } from './discord-gateway.js';

/**
 * Discord on discord.js. Outbound (statuses and results) goes through REST with the ids stored on each job — the
 * interaction webhook while its token lives, the bot token after — so it works after a restart and from a process
 * with no gateway (`outboundOnly`). Inbound, the gateway's interactions and thread messages become engine calls.
 */
export interface DiscordPlatform extends ChatPlatform {
  /** The gateway client; there is none in a process started outbound-only. */
  readonly client: Client;
  /** What discord.js's caches hold now (none without a gateway client): for benchmarks and tests. */
  cacheSizes(): DiscordCacheSizes | undefined;
}

export function createDiscordPlatform(config: DiscordPlatformConfig): DiscordPlatform {
  // Every error this platform logs loses its interaction token and image bytes first.
  const logger = config.logger.child(
    { platform: 'discord' },
    { serializers: { err: (error: unknown) => pino.stdSerializers.err(redactDiscordError(error) as Error) } },
  );
  const now = config.now ?? Date.now;
  // REST through a dispatcher of our own (see createDiscordRequest for why the global one cannot be trusted).
  const transport = createDiscordRestTransport(config.apiUrl);
  let client: Client | undefined;
  let outbound: ReturnType<typeof started> | undefined;
  let closeInbound = async () => {};
  let stopping: Promise<void> | undefined;
  const acks = createAckTimer(config.onAck);

  function started(base: DiscordOutbound) {
    return { status: createDiscordStatus(base), deliverer: createDiscordDeliverer(base) };
  }
  const running = () => {
    if (!outbound) throw new Error('the Discord platform is not started');
    return outbound;
  };

  return {
    name: 'discord',
    get client() {
      if (!client) throw new Error('this Discord platform has no gateway client (outbound only, or not started)');
      return client;
    },
    cacheSizes: () => (client ? discordCacheSizes(client) : undefined),
    async start(engine, options = {}) {
      client = options.outboundOnly ? undefined : createDiscordClient(config, transport);
      const bot = client?.rest ?? new REST({ api: config.apiUrl, makeRequest: transport.makeRequest });
      if (!client) bot.setToken(config.token);
      const rests: DiscordRests = { bot, interaction: transport.interaction };
      observeRests(rests, logger, config.onApiCall, acks);
      const base: DiscordOutbound = {
        rests,
        engine,
        logger,
        now,
        messageContent: config.messageContent,
        pipeline: config.pipeline,
        permissionNotices: createPermissionNotices(logger),
        botUserId: botIdentity(bot, () => client?.user?.id),
      };
      outbound = started(base);
      if (!client) {
        logger.info({ mode: 'outbound only' }, 'discord: ready to deliver');
        return;
      }
      // Attachments, pasted image links and forwarded images share one cap, checked while streaming too.
      const hosts = discordDownloadHosts(config.apiUrl);
      const downloader = createImageDownloader({ allowPrivate: config.allowPrivateDownloads, allowedHosts: hosts });
      closeInbound = () => downloader.close();
      const context: DiscordContext = {
        ...base,
        client,
        acks,
        attachments: createDiscordAttachments({
          downloader,
          pipeline: config.pipeline,
          catalogue: engine.catalogue,
          hosts,
        }),
        sizeLimits: new Map(),
        menuImages: createMenuImages(now),
      };
      try {
        await connectDiscordGateway(context, config, transport);
      } catch (error) {
        await downloader.close();
        await transport.close();
        throw error;
      }
    },
    deliver: (context) => running().deliverer.deliver(context),
    renderStatus: (event) => running().status.renderStatus(event),
    awaitsStatus: awaitsDiscordStatus,
    health() {
      if (!outbound) return { connected: false, detail: 'not started' };
      if (!client) return { connected: true, detail: 'outbound only (REST)' };
      return gatewayHealth(client);
    },
    stop() {
      stopping ??= (async () => {
        await client?.destroy();
        await closeInbound();
        await transport.close();
      })();
      return stopping;
    },
  };
}

/**
 * Every shard's own state: the client stays "ready" after a shard's session closed for good (an invalid token, a
 * disallowed intent), so a reconnecting or disconnected shard is what says the gateway is down.
 */
function gatewayHealth(client: Client): PlatformHealth {
  if (!client.isReady()) return { connected: false, detail: 'gateway not ready' };
  const down = client.ws.shards.filter((shard) => shard.status !== Status.Ready);
  if (down.size === 0) return { connected: true, detail: 'gateway ready' };
  const states = down.map((shard) => `shard ${shard.id} ${statusWords(shard.status)}`);
  return { connected: false, detail: `gateway not ready (${states.join(', ')})` };
}

/** discord.js's shard status in words: `WaitingForGuilds` → `waiting for guilds`. */
function statusWords(status: Status): string {
  const name = Status[status];
  return name ? name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : String(status);
}

/** Rate limits are logged; every answer (429s included) is told to the API observer, for counting. */
function observeRests(
  rests: DiscordRests,
  logger: DiscordOutbound['logger'],
  observer: PlatformApiObserver | undefined,
  acks: AckTimer,
): void {
  for (const rest of [rests.bot, rests.interaction]) {
    rest.on('rateLimited', (info) =>
      logger.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'discord: rate limited'),
    );
    rest.on('response', (request, response) => {
      if (response.ok) acks.answered(request.path);
      observer?.({
        platform: 'discord',
        call: `${request.method} ${request.route}`,
        outcome: response.status === 429 ? 'rate_limited' : response.ok ? 'ok' : 'failed',
      });
    });
  }
}
