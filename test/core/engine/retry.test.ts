import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineImageProvider } from '../../../src/providers/offline-renderer.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { observeProvider } from '../../support/observed-provider.js';
import { seedImagineJob } from '../../support/seed-records.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const member = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' } as const;

describe('Retry', () => {
  it('runs an interrupted turn once, even when Retry is pressed twice', async () => {
    const provider = observeProvider(createOfflineImageProvider({ maxLongSide: 64 }));
    const before = harnesses.create({ provider });
    const seeded = await seedImagineJob(before.store, { state: 'running', prompt: 'a fox', at: before.clock.now() });
    const harness = await before.reopen();
    await harness.engine.start();

    provider.hold();
    const first = await harness.engine.retry(seeded.job.id, member, 'discord:interaction-1');
    const second = await harness.engine.retry(seeded.job.id, member, 'discord:interaction-2');
    expect(first.status).toBe('queued');
    expect(second).toMatchObject({ status: 'duplicate', job: { id: first.job.id } });
    provider.release();
    expect((await harness.settle(first.job.id)).job.state).toBe('delivered');

    // Pressed again on the old notice after the retry was delivered: nothing runs.
    const late = await harness.engine.retry(seeded.job.id, member, 'discord:interaction-3');
    expect(late).toMatchObject({ status: 'duplicate', job: { id: first.job.id, state: 'delivered' } });
    expect(provider.calls.items.map((call) => call.request.prompt)).toEqual(['a fox']);
    expect((await harness.store.getTurn(seeded.turn.id))?.jobId).toBe(first.job.id);
  });

  it('retries the newest job of the turn when an older notice is pressed after a retry failed too', async () => {
    const provider = observeProvider(createOfflineImageProvider({ maxLongSide: 64 }));
    const before = harnesses.create({ provider, settings: { jobTimeoutMs: 100 } });
    const seeded = await seedImagineJob(before.store, { state: 'running', prompt: 'a hare', at: before.clock.now() });
    const harness = await before.reopen();
    await harness.engine.start();

    // The first retry times out (held past the job timeout).
    provider.hold();
    const first = await harness.engine.retry(seeded.job.id, member, 'discord:interaction-1');
    expect((await harness.settle(first.job.id)).job.error?.code).toBe('timeout');
    provider.release();

    const again = await harness.engine.retry(seeded.job.id, member, 'discord:interaction-2');
    expect(again.status).toBe('queued');
    expect(again.job.id).not.toBe(first.job.id);
    expect((await harness.settle(again.job.id)).job.state).toBe('delivered');
  });
});
