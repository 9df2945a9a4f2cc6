/**
 * What the bench children that run threadpaint in their own process share: threadpaint wired like `main.ts` (config
 * from the environment → pipeline → provider → engine over SQLite → platforms started by `startPlatforms`) with its
 * log lines kept, and the stop that closes it and sums its errors and warnings up.
 */

import { rmSync } from 'node:fs';
import { type AppEngine, createEngine } from '../src/app/create-engine.js';
import { createProvider } from '../src/app/create-provider.js';
import type { PlatformServices } from '../src/app/platform-configs.js';
import { type StartedPlatforms, startPlatforms } from '../src/app/start-platforms.js';
import { type Config, loadConfig } from '../src/config/config.js';
import type { ChatPlatform } from '../src/core/platform/chat-platform.js';
import { createConcurrencyLimit } from '../src/images/concurrency-limit.js';
import { createImagePipeline } from '../src/images/image-pipeline.js';
import { createLogger } from '../src/logging/logger.js';
import { createAppServer } from '../src/server/http-server.js';
import type { monitorProcess } from './bench-stats.js';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
}

export interface RunningBot {
  readonly engine: AppEngine;
  readonly platforms: StartedPlatforms;
  readonly closeProvider: () => Promise<void>;
}

/**
 * threadpaint with the configuration `env` (in `dataDir`, no `.env` file read), its platforms made by `platformsFor`;
 * every log line goes to `logs`, and the first few errors verbatim to stderr: a failing run should say why without a
 * rerun.
 */
export async function startBot(
  dataDir: string,
  env: Readonly<Record<string, string>>,
  logs: LogLine[],
  platformsFor: (config: Config, services: PlatformServices) => Promise<ChatPlatform[]>,
): Promise<RunningBot> {
  const config = loadConfig({ readEnvFile: false, cwd: dataDir, env });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: {
      write(text: string) {
        const line = JSON.parse(text) as LogLine;
        logs.push(line);
        if (line.level >= 50 && logs.filter((entry) => entry.level >= 50).length <= 3) process.stderr.write(text);
      },
    },
  });
  const pipeline = createImagePipeline();
  const provider = createProvider(config, pipeline);
  const engine = createEngine(config, provider.provider, logger);
  const server = createAppServer({ host: '127.0.0.1', port: 0, health: () => ({ ok: true }) });
  const services = { pipeline, logger, server, uploads: createConcurrencyLimit(1) };
  const platforms = await startPlatforms(engine, await platformsFor(config, services));
  await engine.start();
  return { engine, platforms, closeProvider: () => provider.close() };
}

/** Stops the platforms, then the engine, then the provider. */
export async function stopBot(running: RunningBot | undefined): Promise<void> {
  await running?.platforms.stop();
  await running?.engine.close();
  await running?.closeProvider();
}

/** How many errors a run logged, and its first ten warnings (each message once unless `distinct` is false). */
export function logSummary(logs: readonly LogLine[], distinct = true) {
  const warnings = logs.filter((line) => line.level >= 40).map((line) => line.msg);
  return {
    errors: logs.filter((line) => line.level >= 50).length,
    warnings: (distinct ? [...new Set(warnings)] : warnings).slice(0, 10),
  };
}

/**
 * The end of a bench child's run: stops measuring, stops threadpaint, removes its data directory and answers the
 * process figures with the log summary.
 */
export async function finishRun(
  running: RunningBot | undefined,
  monitor: ReturnType<typeof monitorProcess>,
  dataDir: string,
  logs: readonly LogLine[],
) {
  monitor.stopMeasuring();
  await stopBot(running);
  const figures = monitor.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return { ...figures, ...logSummary(logs) };
}

/** The configuration both Discord bench children share: the fakes' URLs and token, no quota, warnings only. */
export function discordBotEnv(
  dataDir: string,
  command: { imageApiUrl: string; botToken: string; discordApiUrl: string; guildId: string },
): Record<string, string> {
  return {
    IMAGE_API_URL: command.imageApiUrl,
    IMAGE_API_KEY: 'sk-test',
    QUOTA_MEMBER_PER_HOUR: '0',
    ALLOW_PRIVATE_DOWNLOADS: 'true',
    DATA_DIR: dataDir,
    DISCORD_TOKEN: command.botToken,
    DISCORD_API_URL: command.discordApiUrl,
    DISCORD_GUILD_ID: command.guildId,
    LOG_LEVEL: 'warn',
  };
}
