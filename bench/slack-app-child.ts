/**
 * threadpaint's Slack platform in its own process for the Slack benchmark (the same wiring as `main.ts`, through
 * the test fakes' boot helper), so its peak RSS and event loop are its own. It also times each `/slack/events`
 * request on its side (from the request event to the last byte of the answer). Talks over the IPC channel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type SlackBot, startSlackBot } from '../test/fakes/fake-slack-bot.js';
import { monitorProcess } from './bench-stats.js';
import { logSummary } from './bot-child.js';

export type AppChildCommand =
  | {
      readonly kind: 'start';
      readonly slackApiUrl: string;
      readonly botToken: string;
      readonly imageApiUrl: string;
      readonly concurrency: number;
      readonly secret: string;
    }
  | { readonly kind: 'mark' }
  | { readonly kind: 'stop' };

export type AppChildReply =
  | { readonly kind: 'ready'; readonly url: string; readonly rss: number }
  | { readonly kind: 'ok' }
  | {
      readonly kind: 'stopped';
      readonly peakRss: number;
      readonly maxRss: number;
      readonly errors: number;
      readonly warnings: readonly string[];
      /** Event-loop delay of the app process since `mark`, in ms. */
      readonly loop: { readonly p50: number; readonly p99: number; readonly max: number };
      /** Server-side handling time of each `/slack/events` request since `mark`, in ms. */
      readonly serverAcks: readonly number[];
    };

const reply = (message: AppChildReply) => process.send?.(message);

let bot: SlackBot | undefined;
let serverAcks: number[] = [];
const monitor = monitorProcess();
const dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-slack-bench-'));

process.on('message', async (command: AppChildCommand) => {
  if (command.kind === 'start') {
    bot = await startSlackBot({
      slack: { apiUrl: command.slackApiUrl, botToken: command.botToken },
      imageApi: { url: command.imageApiUrl },
      dataDir,
      signingSecret: command.secret,
      echo: false,
      logLevel: 'warn',
      env: { IMAGE_API_CONCURRENCY: String(command.concurrency), QUOTA_MEMBER_PER_HOUR: '0' },
    });
    bot.server.server.on('request', (request, response) => {
      if (request.url !== '/slack/events') return;
      const started = performance.now();
      response.on('finish', () => serverAcks.push(performance.now() - started));
    });
    return reply({ kind: 'ready', url: bot.url, rss: process.memoryUsage.rss() });
  }
  if (command.kind === 'mark') {
    serverAcks = [];
    monitor.startMeasuring();
    return reply({ kind: 'ok' });
  }
  monitor.stopMeasuring();
  const logs = bot?.logs ?? [];
  await bot?.stop();
  const figures = monitor.stop();
  rmSync(dataDir, { recursive: true, force: true });
  reply({
    kind: 'stopped',
    ...figures,
    ...logSummary(logs, false),
    serverAcks,
  });
  process.disconnect();
});
