import { afterEach, describe, expect, it } from 'vitest';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

describe('a result delivered again after a restart', () => {
  it('goes through the queue: the next turn of its conversation waits until it is posted', async () => {
    const harness = harnesses.create({ settings: { shutdownGraceMs: 100 } });
    // The first turn is made, but its platform never confirms the post before the process stops.
    harness.deliverer.stallNext(1);
    const first = await harness.imagine('a lighthouse');
    await harness.deliverer.attempts.waitFor((attempt) => attempt.jobId === first.job.id);
    const next = await harness.edit(first.conversation.id, 'make it stormy');

    const restarted = await harness.reopen();
    expect((await restarted.store.getJob(first.job.id))?.state).toBe('generated');
    expect((await restarted.store.getJob(next.job.id))?.state).toBe('queued');
    const held = restarted.deliverer.holdNext();
    await restarted.engine.start();
    await held.reached;

    // The posting of the first turn holds its conversation: the edit has not started.
    expect(restarted.engine.position(next.job.id)).toBe(1);
    held.release();
    expect((await restarted.settle(next.job.id)).job.state).toBe('delivered');
    expect(restarted.deliverer.delivered.map((delivery) => delivery.jobId)).toEqual([first.job.id, next.job.id]);
  });
});
