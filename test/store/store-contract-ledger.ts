import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/core/records.js';
import type { Store } from '../../src/core/store.js';
import { conversation, hashA, hashB, hashC, hashD, image, job, messageAt, seed, turn } from './store-fixtures.js';

/** Settings, the usage ledger and retention, on any store `open` gives. */
export function ledgerContract(open: () => Promise<Store>): void {
  describe('settings', () => {
    it('merges a patch into member settings and clears a field patched with null', async () => {
      const store = await open();
      expect(await store.getMemberSettings('discord', 'G1', 'U1')).toEqual({});
      expect(
        await store.setMemberSettings('discord', 'G1', 'U1', { defaultModel: 'gpt-image-1', quality: 'high' }),
      ).toEqual({ defaultModel: 'gpt-image-1', quality: 'high' });
      await store.setMemberSettings('discord', 'G1', 'U1', { aspectRatio: '16:9', quality: null });
      expect(await store.getMemberSettings('discord', 'G1', 'U1')).toEqual({
        defaultModel: 'gpt-image-1',
        aspectRatio: '16:9',
      });
      expect(await store.getMemberSettings('discord', 'G2', 'U1')).toEqual({});
      expect(await store.getMemberSettings('slack', 'G1', 'U1')).toEqual({});
    });

    it('keeps server settings apart from member settings', async () => {
      const store = await open();
      await store.setServerSettings('slack', 'T1', { quotaMemberPerHour: 20, defaultModel: 'qwen-image-plus' });
      await store.setServerSettings('slack', 'T1', { quotaMemberPerHour: null, quotaServerPerDay: 500 });
      expect(await store.getServerSettings('slack', 'T1')).toEqual({
        defaultModel: 'qwen-image-plus',
        quotaServerPerDay: 500,
      });
      expect(await store.getMemberSettings('slack', 'T1', 'U1')).toEqual({});
    });
  });

  describe('usage ledger', () => {
    const hour = 3_600_000;
    function usage(overrides: Partial<UsageRecord>): UsageRecord {
      return {
        id: 'u1',
        at: 0,
        platform: 'discord',
        workspaceId: 'G1',
        memberId: 'U1',
        model: 'gemini-2.5-flash-image',
        tier: '1K',
        count: 1,
        outcome: 'reserved',
        costUnits: 1,
        jobId: 'j1',
        ...overrides,
      };
    }
    const member = { platform: 'discord', workspaceId: 'G1', memberId: 'U1' } as const;

    it('reserves, settles, and sums a rolling window without cancelled rows', async () => {
      const store = await open();
      await store.recordUsage(usage({ id: 'old', at: 0, costUnits: 5 }));
      await store.recordUsage(usage({ id: 'u1', at: 2 * hour, costUnits: 4, count: 4 }));
      await store.recordUsage(usage({ id: 'u2', at: 2 * hour + 10, costUnits: 2 }));
      await store.recordUsage(usage({ id: 'u3', at: 2 * hour + 20, costUnits: 3 }));
      await store.recordUsage(usage({ id: 'other', at: 2 * hour, memberId: 'U2', costUnits: 7 }));

      expect(await store.settleUsage('u1', 'succeeded', 3, 3)).toMatchObject({
        outcome: 'succeeded',
        costUnits: 3,
        count: 3,
      });
      await store.settleUsage('u2', 'timeout', 2);
      await store.settleUsage('u3', 'cancelled', 0);
      expect(await store.settleUsage('nope', 'failed', 1)).toBeUndefined();

      const window = { ...member, since: 2 * hour - hour };
      expect(await store.sumUsage(window)).toBe(3 + 2);
      expect(await store.sumUsage({ ...member, since: 0 })).toBe(5 + 3 + 2);
      expect(await store.sumUsage({ platform: 'discord', workspaceId: 'G1', since: hour })).toBe(3 + 2 + 7);
      expect(await store.sumUsage({ ...member, workspaceId: 'G2', since: 0 })).toBe(0);
    });

    it('says when enough units leave a rolling window for the member to go again', async () => {
      const store = await open();
      await store.recordUsage(usage({ id: 'u1', at: 1_000, costUnits: 2 }));
      await store.recordUsage(usage({ id: 'u2', at: 2_000, costUnits: 2, outcome: 'cancelled' }));
      await store.recordUsage(usage({ id: 'u3', at: 3_000, costUnits: 2 }));
      await store.recordUsage(usage({ id: 'u4', at: 4_000, costUnits: 2 }));

      expect(await store.usageReleaseAt({ ...member, since: 0, units: 1 })).toBe(1_000);
      expect(await store.usageReleaseAt({ ...member, since: 0, units: 3 })).toBe(3_000);
      expect(await store.usageReleaseAt({ ...member, since: 1_500, units: 4 })).toBe(4_000);
      expect(await store.usageReleaseAt({ ...member, since: 0, units: 7 })).toBeUndefined();
    });

    it('summarises images and units per model', async () => {
      const store = await open();
      await store.recordUsage(usage({ id: 'u1', model: 'gpt-image-1', count: 4, costUnits: 8, outcome: 'succeeded' }));
      await store.recordUsage(usage({ id: 'u2', model: 'gpt-image-1', count: 1, costUnits: 2, outcome: 'refused' }));
      await store.recordUsage(
        usage({ id: 'u3', model: 'gemini-2.5-flash-image', count: 1, costUnits: 1, outcome: 'succeeded' }),
      );
      await store.recordUsage(
        usage({ id: 'u4', model: 'gemini-2.5-flash-image', count: 1, costUnits: 1, outcome: 'cancelled' }),
      );
      await store.recordUsage(
        usage({ id: 'u5', model: 'gemini-2.5-flash-image', memberId: 'U2', costUnits: 1, outcome: 'succeeded' }),
      );

      expect(await store.usageSummary({ ...member, since: 0 })).toEqual([
        { model: 'gemini-2.5-flash-image', images: 1, calls: 1, units: 1 },
        { model: 'gpt-image-1', images: 4, calls: 2, units: 10 },
      ]);
      expect(await store.usageSummary({ platform: 'discord', workspaceId: 'G1', since: 0 })).toEqual([
        { model: 'gemini-2.5-flash-image', images: 2, calls: 2, units: 2 },
        { model: 'gpt-image-1', images: 4, calls: 2, units: 10 },
      ]);
    });
  });

  describe('retention', () => {
    it('deletes expired conversations with their turns, jobs and links, and reports the images nothing uses', async () => {
      const store = await open();
      await seed(store, 'old', 1_000);
      await store.updateTurn('old-t1', { inputImages: [image(hashA)], outputImages: [image(hashB), image(hashC)] });
      await store.updateJob('old-j1', { state: 'delivered', updatedAt: 1_000 });
      await store.linkMessage({ ...messageAt('M-old'), conversationId: 'old', turnId: 'old-t1' });
      // A newer conversation started from the old one's output: that image must stay.
      await seed(store, 'new', 50_000, { rootMessageId: '17.9' });
      await store.updateTurn('new-t1', { inputImages: [image(hashC)] });

      const result = await store.deleteExpired(10_000);
      expect(result.conversations).toBe(1);
      expect(result.orphanedHashes.sort()).toEqual([hashA, hashB]);

      expect(await store.getConversation('old')).toBeUndefined();
      expect(await store.listTurns('old')).toEqual([]);
      expect(await store.getJob('old-j1')).toBeUndefined();
      expect(await store.findMessage('slack', 'C1', 'M-old')).toBeUndefined();
      expect(await store.getConversation('new')).toBeDefined();
      expect(await store.isHashReferenced(hashC)).toBe(true);
      expect(await store.isHashReferenced(hashA)).toBe(false);
      expect(await store.referencedHashes()).toEqual(new Set([hashC]));
    });

    it('keeps an expired conversation whose job is still in flight', async () => {
      const store = await open();
      await seed(store, 'old', 1_000);
      expect(await store.deleteExpired(10_000)).toEqual({ conversations: 0, orphanedHashes: [] });
      await store.updateJob('old-j1', { state: 'interrupted', updatedAt: 2_000 });
      expect((await store.deleteExpired(10_000)).conversations).toBe(1);
    });

    it('counts job attachments as references until the job is gone', async () => {
      const store = await open();
      await seed(store);
      await store.createTurn(turn({ id: 'c1-t2', jobId: 'c1-j2', createdAt: 2_000 }));
      const input = { prompt: 'mix them', attachments: [image(hashD)] };
      await store.createJob(job({ id: 'c1-j2', turnId: 'c1-t2', action: 'edit', input }));
      expect(await store.isHashReferenced(hashD)).toBe(true);
      expect(await store.deleteConversation('c1')).toEqual({ deleted: true, orphanedHashes: [hashD] });
    });

    it('forgets an idempotency key only once its job is gone and the key is older than the cutoff', async () => {
      const store = await open();
      await seed(store, 'old', 1_000);
      await store.updateJob('old-j1', { state: 'delivered', updatedAt: 1_000 });
      await store.deleteExpired(10_000);
      const again = await store.createJobWithKey('key-old', {
        conversation: conversation({ id: 'again' }),
        turn: turn({ id: 'again-t1', conversationId: 'again', jobId: 'again-j1' }),
        job: job({ id: 'again-j1', conversationId: 'again', turnId: 'again-t1' }),
      });
      expect(again).toEqual({ created: true, jobId: 'again-j1' });
    });
  });
}
