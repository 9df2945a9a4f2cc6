import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Requester } from '../../../src/core/engine/engine-types.js';
import { createOfflineImageProvider } from '../../../src/providers/offline-renderer.js';
import { type FakeImageApi, startFakeImageApi } from '../../fakes/fake-image-api.js';
import { billedStandIn } from '../../support/billed-provider.js';
import { type ConnectionTap, startConnectionTap } from '../../support/connection-tap.js';
import { createFakeApiProvider, type FakeApiProvider } from '../../support/fake-api-provider.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { observeProvider } from '../../support/observed-provider.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const member: Requester = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' };

describe('cancelling a job that is still queued', () => {
  it('emits cancelled, never calls the provider and reserves nothing', async () => {
    const provider = observeProvider(billedStandIn());
    const harness = harnesses.create({ provider });
    provider.hold();
    const first = await harness.imagine('a fox');
    await provider.calls.waitFor(() => true);
    const waiting = await harness.imagine('a hare');
    expect(harness.engine.position(waiting.job.id)).toBe(1);

    await expect(harness.engine.cancel(waiting.job.id, { ...member, memberId: 'U2' })).rejects.toMatchObject({
      code: 'not_allowed',
    });
    const cancelled = await harness.engine.cancel(waiting.job.id, member);
    expect(cancelled.state).toBe('cancelled');
    expect(harness.events.typesOf(waiting.job.id)).toEqual(['queued', 'cancelled']);
    expect(harness.engine.position(waiting.job.id)).toBeUndefined();

    provider.release();
    await harness.settle(first.job.id);
    const next = await harness.imagineDelivered('an owl');
    expect(next.job.state).toBe('delivered');
    expect(provider.calls.items.map((call) => call.request.prompt)).toEqual(['a fox', 'an owl']);
    expect(harness.events.typesOf(waiting.job.id)).toEqual(['queued', 'cancelled']);
    const summary = await harness.store.usageSummary({
      platform: 'slack',
      workspaceId: 'T1',
      memberId: 'U1',
      since: 0,
    });
    expect(summary).toEqual([{ model: 'gemini-2.5-flash-image', images: 2, calls: 2, units: 2 }]);
    await expect(harness.engine.cancel(first.job.id, member)).rejects.toMatchObject({ code: 'not_cancellable' });
  });

  it('lets an admin cancel a member’s job', async () => {
    const provider = observeProvider(createOfflineImageProvider({ maxLongSide: 64 }));
    const harness = harnesses.create({ provider });
    provider.hold();
    const first = await harness.imagine('a fox');
    const waiting = await harness.imagine('a hare');
    const cancelled = await harness.engine.cancel(waiting.job.id, { ...member, memberId: 'A1', isAdmin: true });
    expect(cancelled.state).toBe('cancelled');
    provider.release();
    expect((await harness.settle(first.job.id)).job.state).toBe('delivered');
  });
});

describe('cancelling a running job against the image API', () => {
  let fake: FakeImageApi;
  let tap: ConnectionTap;
  let client: FakeApiProvider;

  beforeAll(async () => {
    fake = await startFakeImageApi();
    tap = await startConnectionTap(fake.url);
    client = createFakeApiProvider(tap.url);
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await client.close();
    await tap.close();
    await fake.close();
  });

  it('aborts the hanging HTTP call at once, ends cancelled, and still counts the call that was sent', async () => {
    const harness = harnesses.create({ provider: client.provider });
    fake.enqueue({ kind: 'hang' });
    const { job } = await harness.imagine('a lighthouse in a storm');
    await fake.waitFor((request) => request.path === '/v1/images/generations');
    expect(tap.closedByClient.items).toEqual([]);

    const cancelledAt = performance.now();
    await harness.engine.cancel(job.id, member);
    const ended = await harness.events.ending(job.id);
    expect(ended.type).toBe('cancelled');
    // The client closed its connection: the server sees the call go away, not time out.
    await tap.closedByClient.waitFor(() => true);
    expect(performance.now() - cancelledAt).toBeLessThan(1_000);

    const stored = await harness.store.getJob(job.id);
    expect(stored).toMatchObject({ state: 'cancelled' });
    expect(harness.events.count('failed', job.id)).toBe(0);
    const summary = await harness.store.usageSummary({ platform: 'slack', workspaceId: 'T1', since: 0 });
    expect(summary).toEqual([{ model: 'gemini-2.5-flash-image', images: 0, calls: 1, units: 1 }]);

    // The engine (and the client) carry on.
    const next = await harness.imagineDelivered('a calm sea');
    expect(next.turn.outputImages).toHaveLength(1);
    expect(fake.requests.filter((request) => request.path === '/v1/images/generations')).toHaveLength(2);
  });
});
