/**
 * threadpaint's Discord gateway in its own process for `npm run bench:guild`, wired like `main.ts` (config from the
 * environment → pipeline → provider → engine over SQLite → the Discord platform, started by `startPlatforms`), so
 * its RSS is its own: the fakes and the load generator run in the parent. `measure` runs a full GC first (the child
 * runs with --expose-gc) and reports memory and what discord.js's caches hold. Talks over the IPC channel.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discordConfigOf } from '../src/app/platform-configs.js';
import {
  createDiscordPlatform,
  type DiscordCacheSizes,
  type DiscordPlatform,
} from '../src/platforms/discord/discord-platform.js';
import { monitorProcess, type ProcessFigures } from './bench-stats.js';
import { discordBotEnv, finishRun, type LogLine, type RunningBot, startBot } from './bot-child.js';

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
const logs: LogLine[] = [];
let running: (RunningBot & { discord: DiscordPlatform }) | undefined;

async function start(command: Extract<GuildChildCommand, { kind: 'start' }>): Promise<void> {
  let discord: DiscordPlatform | undefined;
  const bot = await startBot(
    dataDir,
    { ...discordBotEnv(dataDir, command), DISCORD_SHARDS: 'auto' },
    logs,
    // As platformsOf makes it, with the cache choice of this run.
    async (config, services) => {
      discord = createDiscordPlatform({ ...discordConfigOf(config, services), caches: { keep: command.keep } });
      return [discord];
    },
  );
  if (!discord) throw new Error('the Discord platform was not made');
  running = { ...bot, discord };
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
  reply({ kind: 'stopped', ...(await finishRun(running, monitor, dataDir, logs)) });
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
