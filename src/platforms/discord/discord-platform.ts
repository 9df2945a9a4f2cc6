import { Client, Events, GatewayIntentBits, type REST, Routes } from 'discord.js';
import pino from 'pino';
import type { ConversationEngine } from '../../core/engine/conversation-engine.js';
import type { JobEvent } from '../../core/jobs/job-events.js';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { Store } from '../../core/store.js';
import { createImageDownloader } from '../../download/image-downloader.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { Logger } from '../../logging/logger.js';
import { createDiscordAttachments, discordAttachmentMaxBytes, discordDownloadHosts } from './discord-attachments.js';
import type { DiscordContext } from './discord-context.js';
import { createDiscordDeliverer } from './discord-deliverer.js';
import { guardGatewayDispatch, reportUnreadableEvent } from './discord-gateway-guard.js';
import { createPermissionNotices } from './discord-permissions.js';
import { registerDiscordCommands } from './discord-registration.js';
import { redactDiscordError } from './discord-rest-messages.js';
import { createDiscordRestTransport } from './discord-rest-request.js';
import { routeInteraction } from './discord-router.js';
import { createDiscordStatus } from './discord-status.js';
import { handleThreadMessage } from './discord-thread-messages.js';

export interface DiscordPlatformOptions {
  readonly token: string;
  /** REST base without a version, `https://discord.com/api` or a proxy's (or a test fake's) equivalent. */
  readonly apiUrl: string;
  readonly applicationId?: string;
  readonly guildId?: string;
  readonly messageContent: boolean;
  readonly allowPrivateDownloads: boolean;
  readonly engine: ConversationEngine;
  readonly store: Store;
  readonly catalogue: ModelCatalogue;
  readonly defaultModel: string;
  readonly pipeline: ImagePipeline;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Register commands at start when they changed (default true). */
  readonly registerCommands?: boolean;
}

export interface DiscordPlatform {
  readonly client: Client;
  readonly rest: REST;
  stop(): Promise<void>;
}

export class DiscordStartError extends Error {
  override readonly name = 'DiscordStartError';
}

/**
 * Discord on discord.js: logs in (the gateway is discovered through the REST base), registers commands when they
 * changed, and translates interactions and thread messages into engine calls; results and statuses go out through
 * REST with stored ids, so they work after a restart.
 */
export async function startDiscord(options: DiscordPlatformOptions): Promise<DiscordPlatform> {
  // Every error this adapter logs loses its interaction token and image bytes first.
  const logger = options.logger.child(
    { platform: 'discord' },
    { serializers: { err: (error: unknown) => pino.stdSerializers.err(redactDiscordError(error) as Error) } },
  );
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
  if (options.messageContent) intents.push(GatewayIntentBits.MessageContent);
  // REST through a dispatcher of our own (see createDiscordRequest for why the global one cannot be trusted).
  const transport = createDiscordRestTransport(options.apiUrl);
  // No message the bot sends pings anyone unless it says so (the requester's own mention on a result).
  const client = new Client({
    intents,
    allowedMentions: { parse: [] },
    rest: { api: options.apiUrl, makeRequest: transport.makeRequest },
  });
  const rests = { bot: client.rest, interaction: transport.interaction };
  guardGatewayDispatch(client, reportUnreadableEvent({ rest: transport.interaction, logger }));
  // One error sink: a rejected listener or a gateway error is logged, never a crash.
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord: client error'));
  for (const rest of [rests.bot, rests.interaction]) {
    rest.on('rateLimited', (info) =>
      logger.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'discord: rate limited'),
    );
  }
  const downloadHosts = discordDownloadHosts(options.apiUrl);
  // Attachments, pasted image links and forwarded images share one cap, checked while streaming too.
  const downloader = createImageDownloader({
    allowPrivate: options.allowPrivateDownloads,
    allowedHosts: downloadHosts,
    maxBytes: discordAttachmentMaxBytes,
  });
  const permissionNotices = createPermissionNotices(logger);
  const context: DiscordContext = {
    client,
    rest: client.rest,
    engine: options.engine,
    store: options.store,
    catalogue: options.catalogue,
    defaultModel: options.defaultModel,
    pipeline: options.pipeline,
    attachments: createDiscordAttachments({
      downloader,
      pipeline: options.pipeline,
      maxBytes: discordAttachmentMaxBytes,
      hosts: downloadHosts,
    }),
    logger,
    now: options.now ?? Date.now,
    messageContent: options.messageContent,
    permissionNotices,
    sizeLimits: new Map(),
  };
  const status = createDiscordStatus({ rests, engine: options.engine, logger, now: context.now });
  options.engine.registerDeliverer(
    'discord',
    createDiscordDeliverer({
      rests,
      engine: options.engine,
      catalogue: options.catalogue,
      pipeline: options.pipeline,
      logger,
      now: context.now,
      messageContent: options.messageContent,
      botUserId: () => client.user?.id,
      permissionNotices,
      settleStatus: (jobId) => status.settle(jobId),
    }),
  );
  const unsubscribe = options.engine.onEvent((event: JobEvent) => status.handle(event));
  client.on(Events.InteractionCreate, (interaction) => void routeInteraction(context, interaction));
  client.on(Events.MessageCreate, (message) => {
    handleThreadMessage(context, message).catch((error: unknown) =>
      logger.error({ err: error }, 'discord: message handling failed'),
    );
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(options.token);
    await ready;
  } catch (error) {
    unsubscribe();
    await client.destroy();
    await downloader.close();
    await transport.close();
    throw describeLoginError(error);
  }
  const applicationId =
    options.applicationId ??
    client.application?.id ??
    ((await client.rest.get(Routes.currentApplication())) as { id: string }).id;
  if (options.registerCommands !== false) {
    try {
      await registerDiscordCommands(client.rest, applicationId, options.guildId, logger);
    } catch (error) {
      logger.error({ err: error }, 'discord: command registration failed; run npm run register:discord to retry');
    }
  }
  logger.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, messageContent: options.messageContent },
    'discord: ready',
  );
  return {
    client,
    rest: client.rest,
    async stop() {
      unsubscribe();
      await status.flush();
      await client.destroy();
      await downloader.close();
      await transport.close();
    },
  };
}

function describeLoginError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/disallowed intent|4014/i.test(message)) {
    return new DiscordStartError(
      'Discord refused the Message Content intent. Turn on "Message Content Intent" in the Developer Portal (your app → Bot → Privileged Gateway Intents), or set DISCORD_MESSAGE_CONTENT=false so members @mention the bot in threads instead.',
    );
  }
  if (/invalid token|TokenInvalid|401/i.test(message)) {
    return new DiscordStartError(
      'Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal (your app → Bot → Reset Token).',
    );
  }
  return new DiscordStartError(`Could not connect to Discord: ${message}`);
}
