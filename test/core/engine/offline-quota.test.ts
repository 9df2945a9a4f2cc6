import { afterEach, describe, expect, it } from 'vitest';
import { QuotaExceededError } from '../../../src/core/jobs/quota.js';
import { billedStandIn } from '../../support/billed-provider.js';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const strict = { quota: { memberPerHour: 2, memberPerDay: 2, serverPerDay: 2 } };
const usage = { platform: 'slack' as const, workspaceId: 'T1', since: 0 };

describe('offline previews and quotas', () => {
  it('charge nothing and count against no limit, however many a newcomer makes', async () => {
    const harness = harnesses.create({ settings: strict });
    for (const prompt of ['a fox', 'a hare', 'an owl', 'a badger', 'a stoat --n 4']) {
      expect((await harness.imagineDelivered(prompt)).job.state).toBe('delivered');
    }
    const reroll = await harness.submit({
      action: 'reroll',
      conversationId: (await harness.allJobs())[0]?.conversationId as string,
      target: { turnId: (await harness.allJobs())[0]?.turnId as string },
    });
    expect((await harness.settle(reroll.job.id)).job.costUnits).toBe(0);
    expect(await harness.store.sumUsage({ ...usage, memberId: 'U1' })).toBe(0);
    expect(await harness.store.sumUsage(usage)).toBe(0);
    // Still listed (what /usage shows), at no cost.
    expect(await harness.store.usageSummary({ ...usage, memberId: 'U1' })).toEqual([
      { model: 'gemini-2.5-flash-image', images: 9, calls: 6, units: 0 },
    ]);
  });

  it('a real refusal says who sets the limit and how it is raised', async () => {
    const harness = harnesses.create({ provider: billedStandIn(), settings: strict });
    await harness.imagineDelivered('a fox --n 2');
    const operators = await harness.imagine('a hare').catch((error: unknown) => error);
    expect(operators).toBeInstanceOf(QuotaExceededError);
    expect((operators as Error).message).toContain(
      "The bot's operator sets this limit (QUOTA_MEMBER_PER_HOUR); server admins can set their own in the bot's settings.",
    );

    await harness.store.setServerSettings('slack', 'T1', { quotaMemberPerHour: 2 });
    const servers = await harness.imagine('a hare').catch((error: unknown) => error);
    expect((servers as Error).message).toMatch(
      /You have used 2 of 2 image units this hour;.*This server's admins set this limit in the bot's settings\.$/,
    );

    await harness.store.setServerSettings('slack', 'T1', { quotaMemberPerHour: 100 });
    const daily = await harness.imagine('a hare', { memberId: 'U2' }).catch((error: unknown) => error);
    expect((daily as Error).message).toMatch(
      /^This server has used 2 of 2 image units today;.*\(QUOTA_SERVER_PER_DAY\); server admins can set their own/,
    );
  });
});
