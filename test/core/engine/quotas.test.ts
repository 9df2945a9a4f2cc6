import { afterEach, describe, expect, it } from 'vitest';
import { QuotaExceededError } from '../../../src/core/jobs/quota.js';
import { UserFacingError } from '../../../src/core/user-facing-error.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import { billedStandIn } from '../../support/billed-provider.js';
import type { EngineHarness } from '../../support/engine-harness.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { defaultClockStart } from '../../support/manual-clock.js';
import { observeProvider } from '../../support/observed-provider.js';
import { seedImagineJob } from '../../support/seed-records.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const minute = 60_000;
const hour = 60 * minute;
const T0 = defaultClockStart; // 09:00 UTC

/** Three units an hour per member; Gemini 2.5 Flash (the default model) costs one unit an image. */
const threeAnHour = { provider: billedStandIn(), settings: { quota: { memberPerHour: 3 } } };

async function refusal(promise: Promise<unknown>): Promise<QuotaExceededError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(QuotaExceededError);
  return error as QuotaExceededError;
}

async function usedUnits(harness: EngineHarness, memberId = 'U1'): Promise<number> {
  return harness.store.sumUsage({ platform: 'slack', workspaceId: 'T1', memberId, since: 0 });
}

describe('quotas', () => {
  it('refuses the 4th image within the hour, saying exactly when the member can go again', async () => {
    const harness = harnesses.create(threeAnHour);
    for (const prompt of ['a fox', 'a hare', 'an owl']) {
      await harness.imagineDelivered(prompt);
      harness.clock.advance(10 * minute);
    }
    const jobsBefore = await harness.allJobs();
    const blobsBefore = harness.blobFiles();
    const attachment = { bytes: encodePng(8, 8, () => [200, 10, 10]), mimeType: 'image/png' };

    const error = await refusal(harness.imagine('a badger', { attachments: [attachment] }));
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.code).toBe('quota_exceeded');
    // The first image (09:00) leaves the rolling hour at 10:00; it is 09:30 now.
    expect(error.retryAt).toBe(T0 + hour);
    expect(error.message).toBe(
      "You have used 3 of 3 image units this hour; this request needs 1. You can go again in 30 minutes (at 10:00 UTC). The bot's operator sets this limit (QUOTA_MEMBER_PER_HOUR); server admins can set their own in the bot's settings.",
    );
    // A refusal makes no job, reserves nothing and keeps no attachment.
    expect(await harness.allJobs()).toEqual(jobsBefore);
    expect(await usedUnits(harness)).toBe(3);
    expect(harness.blobFiles()).toEqual(blobsBefore);
    expect(harness.events.count('queued')).toBe(3);

    // Still refused a millisecond before, accepted at the time it named.
    harness.clock.set(error.retryAt - 1);
    expect((await refusal(harness.imagine('a badger'))).message).toMatch(/in 1 minute \(at 10:00 UTC\)/);
    harness.clock.set(error.retryAt);
    await harness.imagineDelivered('a badger');
  });

  it('counts every image of a request and refuses one bigger than the whole limit', async () => {
    const harness = harnesses.create(threeAnHour);
    await harness.imagineDelivered('a fox --n 2');
    harness.clock.advance(5 * minute);
    const tooMany = await refusal(harness.imagine('two hares --n 2'));
    expect(tooMany.message).toMatch(
      /used 2 of 3 image units this hour; this request needs 2\. You can go again in 55 minutes/,
    );
    expect(tooMany.retryAt).toBe(T0 + hour);

    const huge = harness.imagine('four owls --n 4');
    await expect(huge).rejects.toThrow(UserFacingError);
    await expect(huge).rejects.toMatchObject({
      code: 'quota_exceeded',
      message:
        "This request costs 4 units, more than the limit of 3 per hour. Ask for fewer or smaller images. The bot's operator sets this limit (QUOTA_MEMBER_PER_HOUR); server admins can set their own in the bot's settings.",
    });
    await harness.imagineDelivered('one owl');
  });

  it('lets only one of two requests racing for the last units through: the quota is checked where it is reserved', async () => {
    const harness = harnesses.create(threeAnHour);
    await harness.imagineDelivered('a fox');
    await harness.imagineDelivered('a hare');

    // Both pass the check before either is written; the write refuses the second with the same sentence.
    const [first, second] = await Promise.allSettled([harness.imagine('an owl'), harness.imagine('a badger')]);

    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    const refused = (first.status === 'rejected' ? first : second) as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(QuotaExceededError);
    expect((refused.reason as QuotaExceededError).message).toMatch(/^You have used 3 of 3 image units this hour/);
    expect(await usedUnits(harness)).toBe(3);
    expect((await harness.allJobs()).length).toBe(3);
  });

  it('lets admins past the limit', async () => {
    const harness = harnesses.create(threeAnHour);
    for (const prompt of ['a fox', 'a hare', 'an owl']) await harness.imagine(prompt);
    await refusal(harness.imagine('a badger'));
    const admin = await harness.imagineDelivered('a badger', { isAdmin: true });
    expect(admin.job.state).toBe('delivered');
    expect(await usedUnits(harness)).toBe(4);
  });

  it("applies the server's own limits over the operator's defaults", async () => {
    const harness = harnesses.create(threeAnHour);
    await harness.store.setServerSettings('slack', 'T1', { quotaMemberPerHour: 5 });
    for (const prompt of ['a fox', 'a hare', 'an owl', 'a badger', 'a stoat']) await harness.imagine(prompt);
    expect((await refusal(harness.imagine('a mole'))).message).toMatch(/used 5 of 5 image units this hour/);

    await harness.store.setServerSettings('slack', 'T1', { quotaMemberPerHour: 1 });
    await harness.imagine('a mole', { memberId: 'U2' });
    const other = await refusal(harness.imagine('a vole', { memberId: 'U2' }));
    expect(other.message).toMatch(/used 1 of 1 image units this hour/);
    // Another workspace keeps the operator's default.
    for (const prompt of ['a fox', 'a hare', 'an owl']) await harness.imagine(prompt, { workspaceId: 'T2' });
    await refusal(harness.imagine('a badger', { workspaceId: 'T2' }));
  });

  it('does not count a job cancelled while it waited, but counts one cancelled while running', async () => {
    const provider = observeProvider(billedStandIn());
    const harness = harnesses.create({ ...threeAnHour, provider });
    provider.hold();
    const running = await harness.imagine('a fox');
    await provider.calls.waitFor(() => true);
    const waiting = await harness.imagine('a hare');
    expect(waiting.position).toBe(1);

    await harness.engine.cancel(waiting.job.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U1' });
    await harness.events.next('cancelled', waiting.job.id);
    expect(await usedUnits(harness)).toBe(1);
    const third = await harness.imagine('an owl');
    const fourth = await harness.imagine('a badger');
    await refusal(harness.imagine('a stoat'));

    // Cancelled while its call was out: the provider may bill it, so it still counts.
    await harness.engine.cancel(running.job.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U1' });
    await harness.events.next('cancelled', running.job.id);
    provider.release();
    await harness.settle(third.job.id);
    await harness.settle(fourth.job.id);
    expect(await usedUnits(harness)).toBe(3);
    await refusal(harness.imagine('a stoat'));
    expect(provider.calls.items.map((call) => call.request.prompt)).toEqual(['a fox', 'an owl', 'a badger']);
  });

  it('holds Retry to the same quota as a new request', async () => {
    const first = harnesses.create(threeAnHour);
    const seeded = await seedImagineJob(first.store, { state: 'running', prompt: 'a fox', at: first.clock.now() });
    const harness = await first.reopen();
    await harness.engine.start();
    expect((await harness.store.getJob(seeded.job.id))?.state).toBe('interrupted');
    await harness.imagine('a hare');
    await harness.imagine('an owl');
    expect(await usedUnits(harness)).toBe(3);

    const member = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' } as const;
    const refused = await refusal(harness.engine.retry(seeded.job.id, member, 'slack:T1:C1:retry-1'));
    expect(refused.message).toMatch(/used 3 of 3 image units this hour; this request needs 1/);
    expect(await harness.allJobs()).toHaveLength(3);
    const admin = await harness.engine.retry(seeded.job.id, { ...member, isAdmin: true }, 'slack:T1:C1:retry-2');
    expect(admin.status).toBe('queued');
    expect((await harness.settle(admin.job.id)).job.state).toBe('delivered');
  });
});
