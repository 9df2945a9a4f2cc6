import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import { conversation, job, reservation, seed, turn } from './store-fixtures.js';

/** The lists the playground's sidebar and the operator console read, on any store `open` gives. */
export function consoleContract(open: () => Promise<Store>): void {
  describe('lists for the playground and the operator console', () => {
    it("lists one member's conversations, most recently updated first, with the first turn as the title", async () => {
      const store = await open();
      await seed(store, 'c1', 1_000);
      await seed(store, 'c2', 2_000);
      await seed(store, 'c3', 3_000, { ownerId: 'U2' });
      await seed(store, 'c4', 4_000, { workspaceId: 'T2' });
      await seed(store, 'c5', 5_000, { platform: 'discord' });
      // A second turn in c1 makes it the most recent; its title stays the first turn's instruction.
      await store.createJobWithKey('key-c1-2', {
        turn: turn({
          id: 'c1-t2',
          conversationId: 'c1',
          jobId: 'c1-j2',
          instruction: 'make it night',
          createdAt: 6_000,
        }),
        job: job({ id: 'c1-j2', conversationId: 'c1', turnId: 'c1-t2', action: 'edit', createdAt: 6_000 }),
        touchConversationId: 'c1',
      });
      const listed = await store.listConversations({ platform: 'slack', workspaceId: 'T1', ownerId: 'U1', limit: 10 });
      expect(listed.map((each) => [each.conversation.id, each.title, each.turns])).toEqual([
        ['c1', 'a lighthouse at dusk', 2],
        ['c2', 'a lighthouse at dusk', 1],
      ]);
      expect(listed[0]?.conversation).toEqual({ ...conversation({ id: 'c1' }), updatedAt: 6_000 });
      const first = await store.listConversations({ platform: 'slack', workspaceId: 'T1', ownerId: 'U1', limit: 1 });
      expect(first.map((each) => each.conversation.id)).toEqual(['c1']);
      expect(await store.listConversations({ platform: 'local', workspaceId: '', ownerId: 'U1', limit: 10 })).toEqual(
        [],
      );
    });

    it('lists jobs of every platform newest first, filtered by platform, workspace, member and state', async () => {
      const store = await open();
      await seed(store, 'c1', 1_000);
      // The seeded job is Slack's (its conversation's place does not change that); c2-j2 is Discord's.
      await seed(store, 'c2', 2_000);
      await store.createJob(
        job({
          id: 'c2-j2',
          conversationId: 'c2',
          turnId: 'c2-t1',
          platform: 'discord',
          workspaceId: 'G1',
          createdAt: 2_200,
        }),
      );
      await store.updateJob('c2-j2', { state: 'running', updatedAt: 2_500 });
      await seed(store, 'c3', 3_000);
      await store.updateJob('c3-j1', {
        state: 'failed',
        error: { code: 'upstream', message: 'The image API failed.', referenceId: 'ref-1' },
        updatedAt: 3_100,
      });
      const ids = async (query: Parameters<Store['listJobs']>[0]) => (await store.listJobs(query)).map((j) => j.id);
      expect(await ids({ limit: 10 })).toEqual(['c3-j1', 'c2-j2', 'c2-j1', 'c1-j1']);
      expect(await ids({ limit: 2 })).toEqual(['c3-j1', 'c2-j2']);
      expect(await ids({ platform: 'discord', limit: 10 })).toEqual(['c2-j2']);
      expect(await ids({ workspaceId: 'T1', limit: 10 })).toEqual(['c3-j1', 'c2-j1', 'c1-j1']);
      expect(await ids({ memberId: 'U9', limit: 10 })).toEqual([]);
      expect(await ids({ states: ['failed', 'running'], limit: 10 })).toEqual(['c3-j1', 'c2-j2']);
      const [failed] = await store.listJobs({ states: ['failed'], limit: 1 });
      expect(failed?.error).toEqual({ code: 'upstream', message: 'The image API failed.', referenceId: 'ref-1' });
    });

    it('sums usage per member across platforms since a time, cancelled rows left out', async () => {
      const store = await open();
      await store.recordUsage(reservation('u1', 2, { at: 1_000 }));
      await store.recordUsage(reservation('u2', 3, { at: 2_000, outcome: 'succeeded', count: 2 }));
      await store.recordUsage(reservation('u3', 5, { at: 2_000, outcome: 'cancelled' }));
      await store.recordUsage(reservation('u4', 7, { at: 2_000, memberId: 'U2' }));
      await store.recordUsage(reservation('u5', 1, { at: 2_000, platform: 'discord', workspaceId: 'G1' }));
      await store.recordUsage(reservation('u6', 9, { at: 500 }));
      const rows = await store.usageByMember({ since: 1_000, limit: 10 });
      expect(rows).toEqual([
        { platform: 'slack', workspaceId: 'T1', memberId: 'U2', units: 7, images: 0, calls: 1 },
        { platform: 'slack', workspaceId: 'T1', memberId: 'U1', units: 5, images: 2, calls: 2 },
        { platform: 'discord', workspaceId: 'G1', memberId: 'U1', units: 1, images: 0, calls: 1 },
      ]);
      expect(await store.usageByMember({ since: 1_000, platform: 'discord', limit: 10 })).toHaveLength(1);
      expect(await store.usageByMember({ since: 1_000, memberId: 'U1', workspaceId: 'T1', limit: 10 })).toEqual([
        { platform: 'slack', workspaceId: 'T1', memberId: 'U1', units: 5, images: 2, calls: 2 },
      ]);
      expect(await store.usageByMember({ since: 1_000, limit: 1 })).toHaveLength(1);
    });
  });
}
