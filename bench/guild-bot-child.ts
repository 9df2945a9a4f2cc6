/**
 * threadpaint's Discord gateway in its own process for `npm run bench:guild`, wired like `main.ts` (config from the
 * environment → pipeline → provider → engine over SQLite → the Discord platform, started by `startPlatforms`), so
 * its RSS is its own: the fakes and the load generator run in the parent. `measure` runs a full GC first (the child
 * runs with --expose-gc) and reports memory and what discord.js's caches hold. Talks over the IPC channel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AppEngine, createEngine } from '../src/app/create-engine.js';
import { createProvider } from '../src/app/create-provider.js';
import { discordConfigOf } from '../src/app/platform-configs.js';
import { type StartedPlatforms, startPlatforms } from '../src/app/start-platforms.js';
import { loadConfig } from '../src/config/config.js';
import { createConcurrencyLimit } from '../src/images/concurrency-limit.js';
import { createImagePipeline } from '../src/images/image-pipeline.js';
import { createLogger } from '../src/logging/logger.js';
import {
  createDiscordPlatform,
  type DiscordCacheSizes,
  type DiscordPlatform,
} from '../src/platforms/discord/discord-platform.js';
import { createAppServer } from '../src/server/http-server.js';
import { monitorProcess, type ProcessFigures } from './bench-stats.js';

export type GuildChildCommand =
  | {
      readonly kind: 'start';
      readonly discordApiUrl: string;
      readonly botToken: string;
      readonly guildId: string;
      readonly imageApiUrl: string;
      /** `needed`: threadpaint's caches; `discord.js`: discord.js's defaults, for comparison. */
      readonly keep: 'needed' | 'discord.js';
    }
  | { readonly kind: 'measure' }
  | { readonly kind: 'stop' };

export interface GuildMemory {
  readonly rss: number;
  readonly heapUsed: number;
  /** After a full GC: what the process holds on to. */
  readonly rssAfterGc: number;
  readonly heapUsedAfterGc: number;
  readonly caches: DiscordCacheSizes | undefined;
}

export type GuildChildReply =
  | { readonly kind: 'ready'; readonly rss: number; readonly caches: DiscordCacheSizes | undefined }
  | ({ readonly kind: 'measured' } & GuildMemory)
  | ({
      readonly kind: 'stopped';
      readonly errors: number;
      readonly warnings: readonly string[];
    } & ProcessFigures);

const reply = (message: GuildChildReply) => process.send?.(message);

const monitor = monitorProcess();
const dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-guild-bench-'));
const logs: { level: number; msg: string }[] = [];
let running:
  | { engine: AppEngine; platforms: StartedPlatforms; discord: DiscordPlatform; closeProvider: () => Promise<void> }
  | undefined;

async function start(command: Extract<GuildChildCommand, { kind: 'start' }>): Promise<void> {
  const config = loadConfig({
    readEnvFile: false,
    cwd: dataDir,
    env: {
      IMAGE_API_URL: command.imageApiUrl,
      IMAGE_API_KEY: 'sk-test',
      QUOTA_MEMBER_PER_HOUR: '0',
      ALLOW_PRIVATE_DOWNLOADS: 'true',
      DATA_DIR: dataDir,
      DISCORD_TOKEN: command.botToken,
      DISCORD_API_URL: command.discordApiUrl,
      DISCORD_GUILD_ID: command.guildId,
      DISCORD_SHARDS: 'auto',
      LOG_LEVEL: 'warn',
    },
  });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: {
      write(text: string) {
        const line = JSON.parse(text) as { level: number; msg: string };
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
  // As platformsOf makes it, with the cache choice of this run.
  const discord = createDiscordPlatform({ ...discordConfigOf(config, services), caches: { keep: command.keep } });
  const platforms = await startPlatforms(engine, [discord]);
  await engine.start();
  running = { engine, platforms, discord, closeProvider: () => provider.close() };
  monitor.startMeasuring();
  reply({ kind: 'ready', rss: process.memoryUsage.rss(), caches: discord.cacheSizes() });
}

function measure(): void {
  // The event-loop figure is the load's: the full GCs below block the loop, and are not part of it.
  monitor.stopMeasuring();
  const before = process.memoryUsage();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the guild bench child with --expose-gc');
  gc();
  gc();
  const after = process.memoryUsage();
  reply({
    kind: 'measured',
    rss: before.rss,
    heapUsed: before.heapUsed,
    rssAfterGc: after.rss,
    heapUsedAfterGc: after.heapUsed,
    caches: running?.discord.cacheSizes(),
  });
}

async function stop(): Promise<void> {
  monitor.stopMeasuring();
  await running?.platforms.stop();
  await running?.engine.close();
  await running?.closeProvider();
  const figures = monitor.stop();
  rmSync(dataDir, { recursive: true, force: true });
  reply({
    kind: 'stopped',
    ...figures,
    errors: logs.filter((line) => line.level >= 50).length,
    warnings: [...new Set(logs.filter((line) => line.level >= 40).map((line) => line.msg))].slice(0, 10),
  });
  process.disconnect();
}

async function handle(command: GuildChildCommand): Promise<void> {
  if (command.kind === 'start') await start(command);
  else if (command.kind === 'measure') measure();
  else await stop();
}

process.on('message', (command: GuildChildCommand) => {
  handle(command).catch((error: unknown) => {
    process.stderr.write(`guild bench child: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  });
});
