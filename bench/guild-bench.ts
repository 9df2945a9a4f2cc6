import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  type FakeDiscord,
  type FakeDiscordRequest,
  type FakeGuildSeed,
  startFakeDiscord,
} from '../test/fakes/fake-discord.js';
import { startFakeImageApi } from '../test/fakes/fake-image-api.js';
import type { GuildChildCommand, GuildChildReply } from './guild-bot-child.js';
import { forkBenchChild } from './slack-ipc.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    members: { type: 'string', default: '10000' },
    threads: { type: 'string', default: '2000' },
    messages: { type: 'string', default: '50000' },
    'default-caches': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
  },
});
const settings = {
  members: Number(values.members),
  threads: Number(values.threads),
  messages: Number(values.messages),
  keep: values['default-caches'] ? ('discord.js' as const) : ('needed' as const),
};
const targetBytes = 250 * 1024 * 1024;
const textChannels = 20;
const deadline = performance.now() + 170_000;
const remaining = () => Math.max(1_000, deadline - performance.now());

const seed: FakeGuildSeed = {
  name: 'a large server',
  channels: Array.from({ length: textChannels }, (_, index) => ({ name: index === 0 ? 'general' : `room-${index}` })),
  threads: Array.from({ length: settings.threads }, (_, index) => ({
    parentId: index % textChannels === 0 ? 'general' : `room-${index % textChannels}`,
    name: `thread ${index}`,
  })),
};

const fake = await startFakeDiscord({ guilds: [seed] });
const imageApi = await startFakeImageApi({ latencyMs: 50, recordBodies: false });
const child = forkBenchChild<GuildChildCommand, GuildChildReply>('./guild-bot-child.js', ['--expose-gc']);
const ask = child.ask;

/** An answered PATCH or POST with an image in the thread whose text says `words`. */
const imageIn = (threadId: string, words: string) => (request: FakeDiscordRequest) =>
  (request.method === 'PATCH' || request.method === 'POST') &&
  request.path.startsWith(`/channels/${threadId}/messages`) &&
  request.files.length > 0 &&
  request.status === 200 &&
  JSON.stringify(request.body ?? null).includes(words);

async function startConversation(discord: FakeDiscord): Promise<string> {
  const sent = discord.interaction({ name: 'imagine', options: { prompt: 'a lighthouse in a crowd' } });
  const original = `/webhooks/${discord.applicationId}/${sent.token}/messages/@original`;
  await discord.waitFor(
    (request) => request.method === 'PATCH' && request.path === original && request.files.length > 0,
    remaining(),
  );
  const messageId = discord.interactions.get(sent.id)?.originalMessageId ?? '';
  await discord.waitFor(
    (request) => request.method === 'POST' && request.path === `/channels/${messageId}/messages`,
    remaining(),
  );
  return messageId;
}

const memberId = (index: number) => String(1_100_000_000_000_000_000n + BigInt(index % settings.members));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const count = (value: number) => value.toLocaleString('en-US');

let exitCode = 0;
try {
  const ready = await ask(
    {
      kind: 'start',
      discordApiUrl: fake.apiUrl,
      botToken: fake.botToken,
      guildId: fake.guildId,
      imageApiUrl: imageApi.url,
      keep: settings.keep,
    },
    'ready',
  );
  await fake.waitForReady();
  const conversation = await startConversation(fake);
  const threads = [...fake.threads.keys()].filter((id) => id !== conversation);
  const channels = [...Array(textChannels).keys()].map((index) =>
    fake.channel(index === 0 ? 'general' : `room-${index}`),
  );

  const started = performance.now();
  let inThreads = 0;
  for (let index = 0; index < settings.messages; index++) {
    const inThread = index % 10 !== 9;
    if (inThread) inThreads++;
    fake.messageCreate({
      channelId: inThread
        ? (threads[index % threads.length] as string)
        : (channels[Math.floor(index / 10) % channels.length] as string),
      authorId: memberId(index),
      username: `member ${index % settings.members}`,
      content: `message ${index}: what a view from up here, the gulls are back and the fog is lifting over the bay`,
    });
    // Let the sockets drain now and then, as a real gateway paces its dispatches.
    if (index % 500 === 499) await nextTurn();
  }
  const sentIn = performance.now() - started;
  // The gateway hands events over in order: once this reply is answered, every message before it was handled.
  fake.messageCreate({ channelId: conversation, authorId: memberId(7), content: 'now paint the crowd in' });
  const answered = await fake
    .waitFor(imageIn(conversation, 'now paint the crowd in'), remaining())
    .then(() => true)
    .catch(() => false);
  const handledIn = performance.now() - started;
  const measured = await ask({ kind: 'measure' }, 'measured');
  const stopped = await ask({ kind: 'stop' }, 'stopped');

  const violations = [
    ...fake.violations.map((violation) => `${violation.method} ${violation.path}: ${violation.message}`),
    ...fake.unhandled.map((request) => `unhandled ${request.method} ${request.path}`),
  ];
  const under = Math.max(measured.rss, measured.rssAfterGc) < targetBytes && stopped.peakRss < targetBytes;
  const caches = measured.caches;
  const ok = answered && violations.length === 0 && stopped.errors === 0 && (settings.keep !== 'needed' || under);
  const lines = [
    `Guild bench (${settings.keep === 'needed' ? "threadpaint's caches" : "discord.js's default caches"}): one server with ${count(settings.threads)} active threads and ${count(textChannels)} text channels; ${count(settings.messages)} messages from ${count(settings.members)} members (${count(inThreads)} in threads) through the fake gateway, then a reply in a conversation's thread`,
    `messages: sent in ${(sentIn / 1000).toFixed(1)} s; all handled and the reply answered with an image ${answered ? `after ${(handledIn / 1000).toFixed(1)} s (${count(Math.round(settings.messages / (handledIn / 1000)))} messages/s)` : 'NOT within the time limit'}`,
    `bot process RSS: ${mb(ready.rss)} when ready; ${mb(measured.rss)} after the messages (heap used ${mb(measured.heapUsed)}), ${mb(measured.rssAfterGc)} after a full GC (heap used ${mb(measured.heapUsedAfterGc)}); peak ${mb(stopped.peakRss)} sampled every 10 ms, OS max RSS ${mb(stopped.maxRss)} — target < 250 MB: ${under ? 'met' : 'MISSED'}`,
    `discord.js caches after: ${caches ? `guilds ${count(caches.guilds)}, channels ${count(caches.channels)} (threads ${count(caches.threads)}), members ${count(caches.members)}, users ${count(caches.users)}, messages ${count(caches.messages)}` : 'unknown'} (when ready: ${ready.caches ? `channels ${count(ready.caches.channels)}, members ${count(ready.caches.members)}, users ${count(ready.caches.users)}` : 'unknown'})`,
    `event-loop delay of the bot while the messages arrive faster than it handles them (a flood, not Discord's pace): p50 ${stopped.loop.p50.toFixed(1)} ms, p99 ${stopped.loop.p99.toFixed(1)} ms, max ${stopped.loop.max.toFixed(1)} ms; ${stopped.errors} error log lines${stopped.warnings.length ? `; warnings: ${stopped.warnings.join(' | ')}` : ''}`,
    `violations seen by the fake: ${violations.length === 0 ? 'none' : violations.slice(0, 5).join('; ')}`,
    `result: ${ok ? 'OK' : 'NOT OK'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.strict && !ok) exitCode = 1;
} catch (error) {
  process.stderr.write(
    `guild bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  exitCode = 1;
} finally {
  child.kill();
  await Promise.all([fake.close(), imageApi.close()]);
}
process.exit(exitCode);
