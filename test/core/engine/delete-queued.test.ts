import { afterEach, describe, expect, it } from 'vitest';
import { billedStandIn } from '../../support/billed-provider.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { observeProvider } from '../../support/observed-provider.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

describe('deleting a turn whose job has not started', () => {
  it('releases its reservation: the member is charged for the image made, not for the one deleted', async () => {
    const provider = observeProvider(billedStandIn());
    const harness = harnesses.create({ provider });
    provider.hold();
    const made = await harness.imagine('a lighthouse');
    await provider.calls.waitFor((call) => call.request.prompt === 'a lighthouse');
    // The same member's second job waits for the first.
    const deleted = await harness.imagine('a second lighthouse');
    expect(harness.engine.position(deleted.job.id)).toBe(1);

    await harness.engine.deleteTurn(deleted.turn.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U1' });
    provider.release();
    const settled = await harness.settle(made.job.id);
    expect(settled.job.state).toBe('delivered');

    const since = 0;
    const charged = await harness.store.sumUsage({ platform: 'slack', workspaceId: 'T1', memberId: 'U1', since });
    expect(charged).toBe(settled.job.costUnits);
    const [summary] = await harness.store.usageSummary({ platform: 'slack', workspaceId: 'T1', since });
    expect(summary).toMatchObject({ images: 1, calls: 1 });
    expect(provider.calls.items.map((call) => call.request.prompt)).toEqual(['a lighthouse']);
  });
});
