import type { Config } from '../config/config.js';
import type { ImagePipeline } from '../images/image-pipeline.js';
import type { Logger } from '../logging/logger.js';
import { startDiscord } from '../platforms/discord/discord-platform.js';
import { startSlack } from '../platforms/slack/slack-platform.js';
import type { AppServer } from '../server/http-server.js';
import type { EngineHandle } from './create-engine.js';

export interface StartedPlatforms {
  readonly names: readonly string[];
  stop(): Promise<void>;
}

/** Starts every platform whose credentials are set; a platform that cannot start stops start-up with its reason. */
export async function startPlatforms(options: {
  readonly config: Config;
  readonly engine: EngineHandle;
  readonly pipeline: ImagePipeline;
  readonly logger: Logger;
  readonly server: AppServer;
}): Promise<StartedPlatforms> {
  const { config, engine } = options;
  const stops: Array<() => Promise<void>> = [];
  const names: string[] = [];
  if (config.discordEnabled) {
    const discord = await startDiscord({
      token: config.DISCORD_TOKEN as string,
      apiUrl: config.DISCORD_API_URL,
      ...(config.DISCORD_APPLICATION_ID ? { applicationId: config.DISCORD_APPLICATION_ID } : {}),
      ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
      messageContent: config.DISCORD_MESSAGE_CONTENT,
      allowPrivateDownloads: config.ALLOW_PRIVATE_DOWNLOADS,
      engine: engine.engine,
      store: engine.store,
      catalogue: config.catalogue,
      defaultModel: config.DEFAULT_MODEL,
      pipeline: options.pipeline,
      logger: options.logger,
    });
    stops.push(() => discord.stop());
    names.push('discord');
  }
  if (config.slackEnabled) {
    // Mounts POST /slack/events on the shared server (HTTP mode) or opens Socket Mode (SLACK_APP_TOKEN).
    const slack = await startSlack({
      config,
      engine: engine.engine,
      store: engine.store,
      blobs: engine.blobs,
      pipeline: options.pipeline,
      logger: options.logger,
      server: options.server,
    });
    stops.push(() => slack.stop());
    names.push(`slack (${slack.mode === 'socket' ? 'Socket Mode' : 'HTTP events on /slack/events'})`);
  }
  return {
    names,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
