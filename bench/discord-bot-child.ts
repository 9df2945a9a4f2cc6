/**
 * threadpaint with Discord in its own process for the Discord benchmark, wired like `main.ts` (config from the
 * environment → pipeline → provider → engine over SQLite → `startPlatforms`), so its peak RSS and event loop are
 * its own: the load generator and the fakes run in the parent. Talks over the IPC channel.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { platformsOf } from '../src/app/platform-configs.js';
import { monitorProcess } from './bench-stats.js';
import { discordBotEnv, finishRun, type LogLine, type RunningBot, startBot } from './bot-child.js';

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
const logs: LogLine[] = [];
let running: RunningBot | undefined;

async function start(command: Extract<BotChildCommand, { kind: 'start' }>): Promise<void> {
  running = await startBot(
    dataDir,
    { ...discordBotEnv(dataDir, command), IMAGE_API_CONCURRENCY: String(command.concurrency) },
    logs,
    platformsOf,
  );
  monitor.startMeasuring();
  reply({ kind: 'ready', rss: process.memoryUsage.rss() });
}

async function stop(): Promise<void> {
  reply({ kind: 'stopped', ...(await finishRun(running, monitor, dataDir, logs)) });
  process.disconnect();
}

process.on('message', (command: BotChildCommand) => {
  const work = command.kind === 'start' ? start(command) : stop();
  work.catch((error: unknown) => {
    process.stderr.write(`discord bench child: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  });
});
