import { afterEach, describe, expect, it } from 'vitest';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

describe('a platform that stops answering while it delivers', () => {
  it('leaves the job delivery_failed after the job timeout and frees its queue slot for the next job', async () => {
    const harness = harnesses.create({ settings: { concurrency: 1, jobTimeoutMs: 300 } });
    harness.deliverer.stallNext(1);
    const stuck = await harness.imagine('a postcard that never arrives');
    const next = await harness.imagine('the next one', { memberId: 'U2' });

    const failed = await harness.settle(stuck.job.id, 5_000);
    expect(failed.job.state).toBe('delivery_failed');
    expect(failed.job.error).toMatchObject({ code: 'delivery_timeout', retryable: true });
    expect((await harness.settle(next.job.id, 5_000)).job.state).toBe('delivered');

    // Posting again sends the stored bytes; nothing is generated twice.
    const redelivered = await harness.engine.redeliver(stuck.job.id, stuck.job);
    expect(redelivered?.state).toBe('delivered');
    expect(harness.deliverer.deliveriesOf(stuck.job.id).length).toBeGreaterThanOrEqual(1);
  });
});
