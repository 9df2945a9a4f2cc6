import { Client, Events, GatewayIntentBits, Routes } from 'discord.js';
import type { EngineLogger } from '../../core/engine/engine-types.js';
import { discordCacheOptions } from './discord-caches.js';
import type { DiscordPlatformConfig, DiscordShards } from './discord-config.js';
import type { DiscordContext } from './discord-context.js';
import { guardGatewayDispatch, reportUnreadableEvent } from './discord-gateway-guard.js';
import { handleReaction } from './discord-reactions.js';
import { registerDiscordCommands } from './discord-registration.js';
import type { DiscordRestTransport } from './discord-rest-request.js';
import { routeInteraction } from './discord-router.js';
import { handleThreadMessage } from './discord-thread-messages.js';

export class DiscordStartError extends Error {
  override readonly name = 'DiscordStartError';
}

/**
 * The inbound half: a discord.js client on the gateway (discovered through the REST base), not yet logged in. Its
 * shards all run in this process (discord.js's internal sharding), and its caches hold only what the handlers read
 * (`discord-caches.ts`).
 */
export function createDiscordClient(config: DiscordPlatformConfig, transport: DiscordRestTransport): Client {
  const intents = [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.GuildMessageReactions,
    GatewayIntentBits.DirectMessageReactions,
  ];
  if (config.messageContent) intents.push(GatewayIntentBits.MessageContent);
  // No message the bot sends pings anyone unless it says so (the requester's own mention on a result).
  return new Client({
    intents,
    ...shardOptions(config.shards ?? 'auto'),
    ...discordCacheOptions(config.caches),
    allowedMentions: { parse: [] },
    rest: { api: config.apiUrl, makeRequest: transport.makeRequest },
  });
}

/** `auto` asks Discord how many shards to run; a count runs shards 0 … count − 1 of that many. */
function shardOptions(shards: DiscordShards): { shards: 'auto' | number[]; shardCount?: number } {
  if (shards === 'auto') return { shards: 'auto' };
  return { shards: Array.from({ length: shards }, (_, index) => index), shardCount: shards };
}

/**
 * Connects the gateway: every interaction and message goes to its handler through one error sink, an event
 * discord.js cannot read costs that event only, then the bot logs in, waits for READY and registers its commands
 * when they changed.
 */
export async function connectDiscordGateway(
  context: DiscordContext,
  config: DiscordPlatformConfig,
  transport: DiscordRestTransport,
): Promise<void> {
  const { client, logger } = context;
  guardGatewayDispatch(client, reportUnreadableEvent({ rest: transport.interaction, logger }));
  // One error sink: a rejected listener or a gateway error is logged, never a crash.
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord: client error'));
  client.on(Events.InteractionCreate, (interaction) => {
    context.acks.arrived(interaction.id);
    void routeInteraction(context, interaction);
  });
  client.on(Events.MessageCreate, (message) => {
    handleThreadMessage(context, message).catch((error: unknown) =>
      logger.error({ err: error }, 'discord: message handling failed'),
    );
  });
  client.on(Events.MessageReactionAdd, (reaction, user) => {
    handleReaction(context, reaction, user).catch((error: unknown) =>
      logger.error({ err: error }, 'discord: reaction handling failed'),
    );
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.token);
    await ready;
  } catch (error) {
    await client.destroy();
    throw describeLoginError(error, config.shards ?? 'auto');
  }
  if (config.registerCommands !== false) await register(context, config, logger);
  logger.info(
    {
      user: client.user?.tag,
      guilds: client.guilds.cache.size,
      shards: client.ws.shards.size,
      messageContent: config.messageContent,
    },
    'discord: ready',
  );
}

async function register(context: DiscordContext, config: DiscordPlatformConfig, logger: EngineLogger): Promise<void> {
  const { client } = context;
  try {
    const applicationId =
      config.applicationId ??
      client.application?.id ??
      ((await client.rest.get(Routes.currentApplication())) as { id: string }).id;
    await registerDiscordCommands(client.rest, applicationId, config.guildId, logger);
  } catch (error) {
    logger.error({ err: error }, 'discord: command registration failed; run npm run register:discord to retry');
  }
}

function describeLoginError(error: unknown, shards: DiscordShards): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/disallowed intent|4014/i.test(message)) {
    return new DiscordStartError(
      'Discord refused the Message Content intent. Turn on "Message Content Intent" in the Developer Portal (your app → Bot → Privileged Gateway Intents), or set DISCORD_MESSAGE_CONTENT=false so members @mention the bot in threads instead.',
    );
  }
  if (/sharding is required|4011/i.test(message)) {
    return new DiscordStartError(
      `Discord requires more shards than DISCORD_SHARDS=${shards} (one per 2,500 servers at most). Set DISCORD_SHARDS=auto, or a larger number.`,
    );
  }
  if (/invalid token|TokenInvalid|401/i.test(message)) {
    return new DiscordStartError(
      'Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal (your app → Bot → Reset Token).',
    );
  }
  return new DiscordStartError(`Could not connect to Discord: ${message}`);
}
