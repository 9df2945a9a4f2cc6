import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  type FakeDiscord,
  type FakeDiscordRequest,
  type FakeDispatchedInteraction,
  startFakeDiscord,
} from '../test/fakes/fake-discord.js';
import { startFakeImageApi } from '../test/fakes/fake-image-api.js';
import type { BotChildCommand, BotChildReply } from './discord-bot-child.js';
import { printDiscordReport } from './discord-report.js';
import { forkBenchChild } from './slack-ipc.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    interactions: { type: 'string', default: '200' },
    spread: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '4' },
    strict: { type: 'boolean', default: false },
  },
});
const settings = {
  interactions: Number(values.interactions),
  spreadMs: Number(values.spread),
  latencyMs: Number(values.latency),
  concurrency: Number(values.concurrency),
  warmup: Number(values.warmup),
};
const deadline = performance.now() + 110_000;
const remaining = () => Math.max(1_000, deadline - performance.now());

// The fake image API hangs each delayed answer on one shared AbortSignal (its close): 200 at once is expected.
setMaxListeners(10_000);
/** One member per interaction: the engine runs one job per member at a time, as a real crowd would not notice. */
const memberId = (index: number) => String(1_300_000_000_000_000_000n + BigInt(index));

const fake = await startFakeDiscord();
const specMs = fake.prepareSpec();
const imageApi = await startFakeImageApi({ latencyMs: settings.latencyMs, recordBodies: false });
const child = forkBenchChild<BotChildCommand, BotChildReply>('./discord-bot-child.js');
const ask = child.ask;

/** The request that delivered an interaction's image: its `@original` edit, or the channel edit past 15 minutes. */
function resultOf(discord: FakeDiscord, sent: FakeDispatchedInteraction): (request: FakeDiscordRequest) => boolean {
  const original = `/webhooks/${discord.applicationId}/${sent.token}/messages/@original`;
  return (request) => {
    if (request.method !== 'PATCH' || request.files.length === 0 || request.status !== 200) return false;
    if (request.path === original) return true;
    const messageId = discord.interactions.get(sent.id)?.originalMessageId;
    return messageId !== undefined && request.path === `/channels/${discord.channelId}/messages/${messageId}`;
  };
}

const dispatch = (index: number, prompt: string) =>
  fake.interaction({ name: 'imagine', options: { prompt }, userId: memberId(index) });

/** Resolves once the interaction's thread has its first line (the last REST call of an /imagine), or after 5 s. */
function threadLine(discord: FakeDiscord, sent: FakeDispatchedInteraction): Promise<unknown> {
  const messageId = discord.interactions.get(sent.id)?.originalMessageId ?? '';
  return discord
    .waitFor((request) => request.method === 'POST' && request.path === `/channels/${messageId}/messages`, 5_000)
    .catch(() => undefined);
}

let exitCode = 0;
try {
  const ready = await ask(
    {
      kind: 'start',
      discordApiUrl: fake.apiUrl,
      botToken: fake.botToken,
      guildId: fake.guildId,
      imageApiUrl: imageApi.url,
      concurrency: settings.concurrency,
    },
    'ready',
  );
  await fake.waitForReady();

  // Warm-up (JIT, SQLite, the REST buckets), with short upstream latency; not measured.
  imageApi.setLatency(50);
  const warm = Array.from({ length: settings.warmup }, (_, index) => dispatch(index, `warm-up ${index}`));
  await Promise.all(warm.map((sent) => fake.waitFor(resultOf(fake, sent), remaining())));
  await Promise.all(warm.map((sent) => threadLine(fake, sent)));
  imageApi.setLatency(settings.latencyMs);
  const requestsBefore = fake.requests.length;
  const upstreamBefore = imageApi.requests.length;

  const started = performance.now();
  const dispatched = await Promise.all(
    Array.from(
      { length: settings.interactions },
      (_, index) =>
        new Promise<FakeDispatchedInteraction>((resolve) => {
          setTimeout(
            () => resolve(dispatch(settings.warmup + index, `bench lighthouse ${index} --ar 16:9`)),
            (index * settings.spreadMs) / settings.interactions,
          );
        }),
    ),
  );
  const lastDispatchedAt = Math.max(...dispatched.map((sent) => sent.dispatchedAt)) - started;
  const results = await Promise.all(
    dispatched.map((sent) => fake.waitFor(resultOf(fake, sent), remaining()).catch(() => undefined)),
  );
  const finishedAt = Math.max(...results.map((result) => result?.answeredAt ?? performance.now())) - started;
  // Let the last threads and their first lines land before the bot stops.
  await Promise.all(dispatched.map((sent) => threadLine(fake, sent)));
  const stopped = await ask({ kind: 'stop' }, 'stopped');

  const report = printDiscordReport({
    settings,
    specMs,
    dispatched: dispatched.map((sent) => {
      const record = fake.interactions.get(sent.id);
      return {
        dispatchedAt: sent.dispatchedAt - started,
        deferralMs: record?.response ? record.response.receivedAt - sent.dispatchedAt : undefined,
        callbackType: record?.response?.type,
      };
    }),
    lastDispatchedAt,
    finishedAt,
    delivered: results.filter((result) => result !== undefined).length,
    requests: fake.requests.slice(requestsBefore),
    upstreamCalls: imageApi.requests.length - upstreamBefore,
    violations: [
      ...fake.violations.map((violation) => `${violation.method} ${violation.path}: ${violation.message}`),
      ...fake.unhandled.map((request) => `unhandled ${request.method} ${request.path}`),
      ...imageApi.violations.map((violation) => violation.message),
    ],
    bot: { ...stopped, readyRss: ready.rss },
  });
  if (values.strict && !report.ok) exitCode = 1;
} catch (error) {
  process.stderr.write(
    `discord bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  exitCode = 1;
} finally {
  child.kill();
  await Promise.all([fake.close(), imageApi.close()]);
}
process.exit(exitCode);
