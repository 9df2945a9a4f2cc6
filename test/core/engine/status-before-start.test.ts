import { afterEach, describe, expect, it } from 'vitest';
import type { PlatformOutbound, StatusEvent } from '../../../src/core/platform/chat-platform.js';
import { billedStandIn } from '../../support/billed-provider.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { observeProvider } from '../../support/observed-provider.js';
import { createWaitList } from '../../support/wait-list.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

/** A platform whose status message is posted by the queued event, when the test lets it. */
function postingPlatform() {
  let post: (outcome: 'posted' | 'refused') => void = () => {};
  const rendered = createWaitList<StatusEvent>((event) => event.type);
  const delivered: string[] = [];
  const platform: PlatformOutbound = {
    name: 'slack',
    awaitsStatus: (job) => job.delivery['statusId'] === undefined,
    async renderStatus(event) {
      rendered.push(event);
      if (event.type !== 'queued' || event.job.delivery['statusId'] !== undefined) return undefined;
      const outcome = await new Promise<'posted' | 'refused'>((resolve) => {
        post = resolve;
      });
      return outcome === 'posted' ? { statusId: 'status-1' } : undefined;
    },
    async deliver({ job }) {
      delivered.push(String(job.delivery['statusId']));
      return { resultId: 'result-1' };
    },
  };
  return { platform, rendered, delivered, post: (outcome: 'posted' | 'refused') => post(outcome) };
}

/** A job submitted to an engine whose platform is still posting its status message. */
async function waitingForItsStatus() {
  const provider = observeProvider(billedStandIn());
  const harness = harnesses.create({ provider, deliverer: false });
  const posting = postingPlatform();
  harness.engine.attachPlatform(posting.platform);
  const { job } = await harness.imagine('a weathervane');
  await posting.rendered.waitFor((event) => event.type === 'queued');
  return { provider, harness, posting, job };
}

describe('a job whose status message is still being posted', () => {
  it('starts once the message is there, and its result replaces that message', async () => {
    const { provider, harness, posting, job } = await waitingForItsStatus();
    expect(provider.calls.items).toEqual([]);
    expect(harness.engine.position(job.id)).toBe(0);

    posting.post('posted');
    const settled = await harness.settle(job.id);
    expect(settled.job.state).toBe('delivered');
    expect(posting.delivered).toEqual(['status-1']);
    expect(settled.job.delivery).toMatchObject({ statusId: 'status-1', resultId: 'result-1' });
    expect(provider.calls.items).toHaveLength(1);
  });

  it('never runs when the platform cancels it because the message cannot be posted, and charges nothing', async () => {
    const { provider, harness, posting, job } = await waitingForItsStatus();
    await harness.engine.cancel(job.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U1' });
    posting.post('refused');

    expect((await harness.settle(job.id)).job.state).toBe('cancelled');
    await harness.engine.shutdown();
    expect(provider.calls.items).toEqual([]);
    expect(await harness.store.sumUsage({ platform: 'slack', workspaceId: 'T1', since: 0 })).toBe(0);
  });
});
