import { describe, expect, it } from 'vitest';
import type { PlatformApiCall } from '../../../src/core/platform/chat-platform.js';
import { contentOf, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();

const gatewayDiscoveries = (harness: { fake: { requests: readonly { path: string }[] } }) =>
  harness.fake.requests.filter((request) => request.path === '/gateway/bot').length;

describe('Discord, outbound only', () => {
  it('delivers a job another process recorded, and keeps its status, from stored ids alone with no gateway', async () => {
    const harness = await harnesses.start({ settings: { concurrency: 1 } });
    const { fake, provider } = harness;
    provider.hold();
    harness.imagine('a lantern held upstream');
    await provider.calls.waitFor((call) => call.request.prompt === 'a lantern held upstream');
    // One slot: the second request waits in the queue of the process that recorded it.
    const waiting = harness.imagine('a harbour at dawn', { userId: '223456789012345678' });
    const queued = await harness.bot.events.waitFor(
      (event) => event.type === 'queued' && event.job.input.prompt === 'a harbour at dawn',
    );
    const recorder = harness.bot;
    expect((await recorder.store.getJob(queued.job.id))?.state).toBe('queued');
    await recorder.stop();
    const discoveries = gatewayDiscoveries(harness);

    // A process with the outbound half only: no login, no gateway; the job runs and is delivered through REST.
    provider.release();
    const calls: PlatformApiCall[] = [];
    const worker = await harness.startBot({ onApiCall: (call) => calls.push(call) }, { outboundOnly: true });
    const result = await harness.result(waiting);
    await worker.events.next('succeeded', queued.job.id);

    const edits = harness.originalEdits(waiting).filter((edit) => edit.status === 200);
    expect(edits.some((edit) => /Generating/.test(contentOf(edit)))).toBe(true);
    expect(edits.at(-1)).toBe(result);
    expect(contentOf(result)).toContain('a harbour at dawn');
    // Its first result starts the conversation's thread, with the bot token.
    await fake.waitFor((request) => request.method === 'POST' && request.path.endsWith('/threads'));
    expect(gatewayDiscoveries(harness)).toBe(discoveries);
    expect(worker.platform.health()).toEqual({ connected: true, detail: 'outbound only (REST)' });
    expect(calls.some((call) => call.outcome === 'ok' && call.call.startsWith('PATCH /webhooks'))).toBe(true);
    expect((await worker.store.getJob(queued.job.id))?.state).toBe('delivered');
  });

  it('says how its gateway is, and counts every REST call it makes', async () => {
    const calls: PlatformApiCall[] = [];
    const harness = await harnesses.start({ start: false });
    const bot = await harness.startBot({ onApiCall: (call) => calls.push(call) });
    expect(bot.platform.health()).toEqual({ connected: true, detail: 'gateway ready' });
    harness.fake.rateLimitNext({ method: 'POST', path: /\/callback$/, retryAfter: 0.1 });
    await harness.result(harness.imagine('a kite'));
    expect(calls.filter((call) => call.outcome === 'rate_limited')).toHaveLength(1);
    expect(calls.filter((call) => call.outcome === 'ok').length).toBeGreaterThan(3);
    expect(new Set(calls.map((call) => call.platform))).toEqual(new Set(['discord']));
  });
});
