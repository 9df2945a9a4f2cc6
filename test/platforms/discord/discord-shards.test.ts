import { describe, expect, it, vi } from 'vitest';
import { DiscordStartError } from '../../../src/platforms/discord/discord-platform.js';
import type { FakeDiscordOptions } from '../../fakes/fake-discord.js';
import { httpRequest } from '../../support/http-request.js';
import {
  channelResult,
  contentOf,
  type DiscordHarness,
  listenWithHealth,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

/** A guild id whose events Discord sends on `shard` of 2: `(id >> 22) % 2`, from a timestamp of now. */
function guildOnShard(shard: 0 | 1): string {
  const sinceEpoch = BigInt(Date.now() - 1_420_070_400_000);
  const timestamp = sinceEpoch - (sinceEpoch % 2n) + BigInt(shard);
  return String(timestamp << 22n);
}

const first = guildOnShard(0);
const second = guildOnShard(1);

/** Two servers, one per shard; Discord recommends 2 shards and lets both IDENTIFY at once. */
const twoShards = {
  shards: 2,
  maxConcurrency: 2,
  guilds: [
    { id: first, name: 'first', channels: [{ name: 'general' }] },
    { id: second, name: 'second', channels: [{ name: 'general' }] },
  ],
} as const satisfies FakeDiscordOptions;

const interactionsOf = (harness: DiscordHarness, guildId: string) =>
  harness.fake.dispatches.filter((dispatch) => dispatch.t === 'INTERACTION_CREATE' && dispatch.guildId === guildId);

describe('Discord shards (one process, discord.js internal sharding)', () => {
  it('identifies each recommended shard, gives each its own server’s events, and answers on either', async () => {
    const harness = await harnesses.start({ fake: twoShards });
    const { fake } = harness;
    const { client } = harness.bot.platform;

    expect(fake.identifies.map((identify) => identify.shard)).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );
    expect(fake.identifies).toHaveLength(2);
    const guildCreates = fake.dispatches.filter((dispatch) => dispatch.t === 'GUILD_CREATE');
    expect(guildCreates).toEqual(
      expect.arrayContaining([
        { t: 'GUILD_CREATE', guildId: first, shard: [0, 2] },
        { t: 'GUILD_CREATE', guildId: second, shard: [1, 2] },
      ]),
    );
    expect(guildCreates).toHaveLength(2);
    expect(client.guilds.cache.get(first)?.shardId).toBe(0);
    expect(client.guilds.cache.get(second)?.shardId).toBe(1);
    expect(harness.bot.platform.health()).toEqual({ connected: true, detail: 'gateway ready' });

    for (const [guildId, shard] of [
      [first, 0],
      [second, 1],
    ] as const) {
      const channelId = fake.channel('general', guildId);
      const started = await startConversation(harness, `a lighthouse on shard ${shard}`, { channelId });
      expect(started.result.files).toHaveLength(1);
      expect(interactionsOf(harness, guildId).map((dispatch) => dispatch.shard)).toEqual([[shard, 2]]);

      // A member's reply in the result's thread reaches the bot on the same shard, and is the next edit.
      fake.messageCreate({ channelId: started.threadId, content: `now at dusk on shard ${shard}` });
      const edited = await channelResult(fake, started.threadId);
      expect(contentOf(edited)).toContain(`now at dusk on shard ${shard}`);
      const messages = fake.dispatches.filter((dispatch) => dispatch.t === 'MESSAGE_CREATE');
      expect(messages.filter((dispatch) => dispatch.guildId === guildId).every((d) => d.shard[0] === shard)).toBe(true);
    }
  });

  it('names the shard that is down in /healthz while the other keeps answering, and recovers with it', async () => {
    const harness = await harnesses.start({ fake: twoShards });
    const { fake } = harness;
    const { platform } = harness.bot;
    const server = await listenWithHealth(harness);
    const { url } = server;
    try {
      fake.dropShard(1);
      await vi.waitFor(() => expect(platform.health().detail).toBe('gateway not ready (shard 1 resuming)'), {
        timeout: 10_000,
      });
      const failing = await httpRequest(`${url}/healthz`);
      expect(failing.status).toBe(503);
      expect(JSON.parse(failing.body)).toMatchObject({
        ok: false,
        failing: ['platform:discord'],
        connections: { discord: { connected: false, detail: 'gateway not ready (shard 1 resuming)' } },
      });
      // The second server cannot reach the bot meanwhile; the first one still can.
      expect(() => harness.imagine('unreachable', { channelId: fake.channel('general', second) })).toThrow(
        /no ready gateway client on the shard of guild/,
      );
      const meanwhile = await startConversation(harness, 'a harbour at noon', {
        channelId: fake.channel('general', first),
      });
      expect(meanwhile.result.files).toHaveLength(1);

      fake.restoreShard(1);
      await vi.waitFor(() => expect(platform.health()).toEqual({ connected: true, detail: 'gateway ready' }), {
        timeout: 10_000,
      });
      expect((await httpRequest(`${url}/healthz`)).status).toBe(200);
      // Resumed, not identified again: the same session goes on.
      expect(fake.identifies).toHaveLength(2);
      const after = await startConversation(harness, 'a harbour at night', {
        channelId: fake.channel('general', second),
      });
      expect(after.result.files).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('stops with a sentence naming DISCORD_SHARDS when Discord requires more shards than it was given (4011)', async () => {
    const harness = await harnesses.start({ start: false, fake: { ...twoShards, requiredShards: 2 } });

    const failure = await harness.startBot({ shards: 1 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DiscordStartError);
    expect((failure as Error).message).toBe(
      'Discord requires more shards than DISCORD_SHARDS=1 (one per 2,500 servers at most). Set DISCORD_SHARDS=auto, or a larger number.',
    );
    expect(harness.fake.identifies.map((identify) => identify.shard)).toEqual([[0, 1]]);
    expect(harness.fake.gatewayErrors).toEqual([expect.stringMatching(/^closed 4011/)]);
  });
});
