/**
 * threadpaint with Discord in its own process for the Discord benchmark, wired like `main.ts` (config from the
 * environment → pipeline → provider → engine over SQLite → `startPlatforms`), so its peak RSS and event loop are
 * its own: the load generator and the fakes run in the parent. Talks over the IPC channel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AppEngine, createEngine } from '../src/app/create-engine.js';
import { createProvider } from '../src/app/create-provider.js';
import { platformsOf } from '../src/app/platform-configs.js';
import { type StartedPlatforms, startPlatforms } from '../src/app/start-platforms.js';
import { loadConfig } from '../src/config/config.js';
import { createConcurrencyLimit } from '../src/images/concurrency-limit.js';
import { createImagePipeline } from '../src/images/image-pipeline.js';
import { createLogger } from '../src/logging/logger.js';
import { createAppServer } from '../src/server/http-server.js';
import { monitorProcess } from './bench-stats.js';

export type BotChildCommand =
  | {
      readonly kind: 'start';
      readonly discordApiUrl: string;
      readonly botToken: string;
      readonly guildId: string;
      readonly imageApiUrl: string;
      readonly concurrency: number;
    }
  | { readonly kind: 'stop' };

export type BotChildReply =
  | { readonly kind: 'ready'; readonly rss: number }
  | {
      readonly kind: 'stopped';
      readonly peakRss: number;
      readonly maxRss: number;
      readonly errors: number;
      readonly warnings: readonly string[];
      /** Event-loop delay of the bot process while measured, in ms. */
      readonly loop: { readonly p50: number; readonly p99: number; readonly max: number };
    };

const reply = (message: BotChildReply) => process.send?.(message);

const monitor = monitorProcess();
const dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-discord-bench-'));
const logs: { level: number; msg: string }[] = [];
let running: { engine: AppEngine; platforms: StartedPlatforms; closeProvider: () => Promise<void> } | undefined;

async function start(command: Extract<BotChildCommand, { kind: 'start' }>): Promise<void> {
  const config = loadConfig({
    readEnvFile: false,
    cwd: dataDir,
    env: {
      IMAGE_API_URL: command.imageApiUrl,
      IMAGE_API_KEY: 'sk-test',
      IMAGE_API_CONCURRENCY: String(command.concurrency),
      QUOTA_MEMBER_PER_HOUR: '0',
      ALLOW_PRIVATE_DOWNLOADS: 'true',
      DATA_DIR: dataDir,
      DISCORD_TOKEN: command.botToken,
      DISCORD_API_URL: command.discordApiUrl,
      DISCORD_GUILD_ID: command.guildId,
      LOG_LEVEL: 'warn',
    },
  });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: {
      write(text: string) {
        const line = JSON.parse(text) as { level: number; msg: string };
        logs.push(line);
        // The first few errors verbatim: a failing run should say why without a rerun.
        if (line.level >= 50 && logs.filter((entry) => entry.level >= 50).length <= 3) process.stderr.write(text);
      },
    },
  });
  const pipeline = createImagePipeline();
  const provider = createProvider(config, pipeline);
  const engine = createEngine(config, provider.provider, logger);
  const server = createAppServer({ host: '127.0.0.1', port: 0, health: () => ({ ok: true }) });
  const services = { pipeline, logger, server, uploads: createConcurrencyLimit(1) };
  const platforms = await startPlatforms(engine, await platformsOf(config, services));
  await engine.start();
  running = { engine, platforms, closeProvider: () => provider.close() };
  monitor.startMeasuring();
  reply({ kind: 'ready', rss: process.memoryUsage.rss() });
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

process.on('message', (command: BotChildCommand) => {
  const work = command.kind === 'start' ? start(command) : stop();
  work.catch((error: unknown) => {
    process.stderr.write(`discord bench child: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  });
});
