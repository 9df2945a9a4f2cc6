import type { Config } from '../config/config.js';
import type { ChatPlatform, PlatformAckObserver, PlatformApiObserver } from '../core/platform/chat-platform.js';
import type { ConcurrencyLimit } from '../images/concurrency-limit.js';
import type { ImagePipeline } from '../images/image-pipeline.js';
import type { Logger } from '../logging/logger.js';
import type { DiscordPlatformConfig } from '../platforms/discord/discord-platform.js';
import type { PlaygroundPlatformConfig } from '../platforms/local/playground-platform.js';
import type { SlackPlatformConfig } from '../platforms/slack/slack-platform.js';
import type { AppServer } from '../server/http-server.js';
import { createConfigCheck } from './config-check.js';

/** What every platform runs with, besides its own settings. */
export interface PlatformServices {
  readonly pipeline: ImagePipeline;
  readonly logger: Logger;
  readonly server: AppServer;
  /** Playground uploads read and decoded at once. */
  readonly uploads: ConcurrencyLimit;
  /** Told of every API call, rate limit and acknowledgement, for the metrics. */
  readonly observers?: { readonly onApiCall?: PlatformApiObserver; readonly onAck?: PlatformAckObserver };
}

/** Each platform's slice of the configuration: a platform never sees the whole `Config`. */
export function discordConfigOf(config: Config, services: PlatformServices): DiscordPlatformConfig {
  return {
    token: config.DISCORD_TOKEN as string,
    apiUrl: config.DISCORD_API_URL,
    ...(config.DISCORD_APPLICATION_ID ? { applicationId: config.DISCORD_APPLICATION_ID } : {}),
    ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
    messageContent: config.DISCORD_MESSAGE_CONTENT,
    shards: config.DISCORD_SHARDS,
    allowPrivateDownloads: config.ALLOW_PRIVATE_DOWNLOADS,
    logger: services.logger,
    pipeline: services.pipeline,
    ...services.observers,
  };
}

export function slackConfigOf(config: Config, services: PlatformServices): SlackPlatformConfig {
  return {
    botToken: config.SLACK_BOT_TOKEN as string,
    ...(config.slackMode === 'socket'
      ? { appToken: config.SLACK_APP_TOKEN as string }
      : { signingSecret: config.SLACK_SIGNING_SECRET as string }),
    apiUrl: config.SLACK_API_URL,
    allowPrivateDownloads: config.ALLOW_PRIVATE_DOWNLOADS,
    server: services.server,
    logger: services.logger,
    pipeline: services.pipeline,
    ...services.observers,
  };
}

export function playgroundConfigOf(config: Config, services: PlatformServices): PlaygroundPlatformConfig {
  return {
    server: services.server,
    ...(config.PLAYGROUND_TOKEN ? { token: config.PLAYGROUND_TOKEN } : {}),
    listenHost: config.HOST,
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    offline: config.offline,
    pipeline: services.pipeline,
    uploads: services.uploads,
    logger: services.logger,
    chatPlatformsEnabled: config.discordEnabled || config.slackEnabled,
    configCheck: createConfigCheck(config),
  };
}

/**
 * Every platform the configuration enables, each made from its own slice of it. A platform's module (and its SDK)
 * is loaded only when it is enabled: a Slack-only process never loads discord.js.
 */
export async function platformsOf(config: Config, services: PlatformServices): Promise<ChatPlatform[]> {
  const platforms: ChatPlatform[] = [];
  if (config.playgroundEnabled) {
    const { createPlaygroundPlatform } = await import('../platforms/local/playground-platform.js');
    platforms.push(createPlaygroundPlatform(playgroundConfigOf(config, services)));
  }
  if (config.discordEnabled) {
    const { createDiscordPlatform } = await import('../platforms/discord/discord-platform.js');
    platforms.push(createDiscordPlatform(discordConfigOf(config, services)));
  }
  if (config.slackEnabled) {
    const { createSlackPlatform } = await import('../platforms/slack/slack-platform.js');
    platforms.push(createSlackPlatform(slackConfigOf(config, services)));
  }
  return platforms;
}
