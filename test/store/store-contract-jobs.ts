import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import { conversation, hashA, image, job, reservation, seed, turn } from './store-fixtures.js';

/** Jobs, their states and idempotency, on any store `open` gives (a second `open` reopens the same data). */
export function jobsContract(open: () => Promise<Store>): void {
  describe('jobs', () => {
    it('persists every state transition, visible after closing and reopening the database', async () => {
      const first = await open();
      await seed(first);
      await first.updateJob('c1-j1', { state: 'running', startedAt: 1_100, updatedAt: 1_100 });
      await first.updateTurnAndJob(
        { id: 'c1-t1', patch: { outputImages: [image(hashA)], upstreamRequestIds: ['req-1'] } },
        { id: 'c1-j1', patch: { state: 'generated', costUnits: 2, updatedAt: 1_200 } },
      );
      await first.close();

      const second = await open();
      expect(await second.getJob('c1-j1')).toMatchObject({ state: 'generated', startedAt: 1_100, costUnits: 2 });
      expect((await second.listJobsByState(['generated'])).map((each) => each.id)).toEqual(['c1-j1']);
      const delivery = { channelId: 'C1', messageTs: '17.2', interactionToken: null };
      await second.updateJob('c1-j1', { state: 'delivered', finishedAt: 1_300, delivery, updatedAt: 1_300 });
      await second.close();

      const third = await open();
      expect(await third.getJob('c1-j1')).toEqual({
        ...job({ id: 'c1-j1', turnId: 'c1-t1', idempotencyKey: 'key-c1' }),
        state: 'delivered',
        startedAt: 1_100,
        finishedAt: 1_300,
        delivery,
        costUnits: 2,
        updatedAt: 1_300,
      });
      expect((await third.getTurn('c1-t1'))?.outputImages).toEqual([image(hashA)]);
    });

    it('lists a member’s delivered jobs in one workspace, newest first, within the limit', async () => {
      const store = await open();
      for (const [index, id] of ['c1', 'c2', 'c3', 'c4'].entries()) {
        await seed(store, id, 1_000 * (index + 1));
        // c4's usage is another member's of the same workspace.
        const memberId = id === 'c4' ? 'U2' : 'U1';
        await store.recordUsage(reservation(`${id}-j1`, 1, { at: 1_000 * (index + 1), memberId }));
      }
      // c2 is still queued.
      for (const id of ['c1', 'c3', 'c4']) await store.updateJob(`${id}-j1`, { state: 'delivered', updatedAt: 9_000 });
      const member = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' } as const;

      const recent = await store.listRecentDeliveredJobs({ ...member, limit: 5 });
      expect(recent.map((each) => each.id)).toEqual(['c3-j1', 'c1-j1']);
      expect((await store.listRecentDeliveredJobs({ ...member, limit: 1 })).map((each) => each.id)).toEqual(['c3-j1']);
      expect(await store.listRecentDeliveredJobs({ ...member, workspaceId: 'T2', limit: 5 })).toEqual([]);
      expect(
        (await store.listRecentDeliveredJobs({ ...member, memberId: 'U2', limit: 5 })).map((each) => each.id),
      ).toEqual(['c4-j1']);
    });

    it('counts the jobs queued and running per platform, and nothing that has ended', async () => {
      const store = await open();
      expect(await store.countActiveJobs()).toEqual([]);
      await seed(store, 'c1');
      await seed(store, 'c2', 2_000);
      await seed(store, 'c3', 3_000);
      await seed(store, 'c4', 4_000);
      await store.createJob(
        job({ id: 'c3-j2', turnId: 'c3-t1', conversationId: 'c3', platform: 'discord', workspaceId: 'G1' }),
      );
      await store.updateJob('c2-j1', { state: 'running', updatedAt: 2_100 });
      await store.updateJob('c4-j1', { state: 'delivered', updatedAt: 4_100 });
      const counts = await store.countActiveJobs();
      const sorted = [...counts].sort((a, b) => `${a.platform}${a.state}`.localeCompare(`${b.platform}${b.state}`));
      expect(sorted).toEqual([
        { platform: 'discord', state: 'queued', count: 1 },
        { platform: 'slack', state: 'queued', count: 2 },
        { platform: 'slack', state: 'running', count: 1 },
      ]);
    });

    it('answers a write that changes nothing, as /healthz asks', async () => {
      const store = await open();
      await seed(store);
      await expect(store.checkWritable()).resolves.toBeUndefined();
      expect(await store.getJob('c1-j1')).toMatchObject({ state: 'queued' });
    });

    it('records an error and clears it again', async () => {
      const store = await open();
      await seed(store);
      const error = {
        code: 'timeout' as const,
        message: 'the image took too long',
        referenceId: 'ref-1',
        retryable: true,
      };
      expect(await store.updateJob('c1-j1', { state: 'failed', error, updatedAt: 2 })).toMatchObject({ error });
      expect(await store.updateJob('c1-j1', { error: null, updatedAt: 3 })).not.toHaveProperty('error');
      expect(await store.updateJob('nope', { state: 'failed', updatedAt: 3 })).toBeUndefined();
    });

    it('applies a conditional update only while the job is in one of the expected states', async () => {
      const store = await open();
      await seed(store);
      await store.updateJob('c1-j1', { state: 'running', updatedAt: 2 });
      const cancel = await store.updateJob('c1-j1', { state: 'cancelled', updatedAt: 3 }, { ifStateIn: ['queued'] });
      expect(cancel).toBeUndefined();
      expect((await store.getJob('c1-j1'))?.state).toBe('running');
      const interrupt = await store.updateJob(
        'c1-j1',
        { state: 'interrupted', updatedAt: 4 },
        { ifStateIn: ['running'] },
      );
      expect(interrupt?.state).toBe('interrupted');
    });

    it('lists jobs by state oldest first, and the jobs of a conversation', async () => {
      const store = await open();
      await seed(store, 'c2', 3_000);
      await seed(store, 'c1', 1_000);
      await seed(store, 'c3', 2_000);
      await store.updateJob('c3-j1', { state: 'running', updatedAt: 2_100 });

      expect((await store.listJobsByState(['queued', 'running'])).map((each) => each.id)).toEqual([
        'c1-j1',
        'c3-j1',
        'c2-j1',
      ]);
      expect((await store.listJobsByState(['queued'])).map((each) => each.id)).toEqual(['c1-j1', 'c2-j1']);
      expect(await store.listJobsByState([])).toEqual([]);
      expect((await store.listJobsOfConversation('c3')).map((each) => each.id)).toEqual(['c3-j1']);
    });

    it('finds a pending Reroll of the same turn by the same member (a double click)', async () => {
      const store = await open();
      await seed(store);
      await store.createTurn(turn({ id: 'c1-t2', parentTurnId: 'c1-t1', action: 'reroll', jobId: 'c1-j2' }));
      await store.createJob(job({ id: 'c1-j2', turnId: 'c1-t2', action: 'reroll', memberId: 'U1' }));

      expect((await store.findPendingJob('U1', 'c1-t1', 'reroll'))?.id).toBe('c1-j2');
      expect((await store.findPendingJob('U1', 'c1-t2', 'reroll'))?.id).toBe('c1-j2');
      expect(await store.findPendingJob('U2', 'c1-t1', 'reroll')).toBeUndefined();
      expect(await store.findPendingJob('U1', 'c1-t1', 'variations')).toBeUndefined();

      await store.updateJob('c1-j2', { state: 'running', updatedAt: 2 });
      expect((await store.findPendingJob('U1', 'c1-t1', 'reroll'))?.id).toBe('c1-j2');
      await store.updateJob('c1-j2', { state: 'generated', updatedAt: 3 });
      expect(await store.findPendingJob('U1', 'c1-t1', 'reroll')).toBeUndefined();
    });
  });

  describe('idempotency', () => {
    const records = (suffix: string) => ({
      conversation: conversation(),
      turn: turn({ id: `t-${suffix}`, jobId: `j-${suffix}` }),
      job: job({ id: `j-${suffix}`, turnId: `t-${suffix}` }),
    });

    it('makes one job for a repeated delivery and answers with the first job, even after it was delivered', async () => {
      const store = await open();
      expect(await store.createJobWithKey('slack:T1:C1:17.1', records('a'))).toEqual({ created: true, jobId: 'j-a' });
      expect(await store.createJobWithKey('slack:T1:C1:17.1', records('b'))).toEqual({
        created: false,
        reason: 'duplicate',
        jobId: 'j-a',
      });

      await store.updateJob('j-a', { state: 'delivered', finishedAt: 9_000, updatedAt: 9_000 });
      await store.close();
      const reopened = await open();
      expect(await reopened.createJobWithKey('slack:T1:C1:17.1', records('c'))).toMatchObject({
        created: false,
        jobId: 'j-a',
      });

      expect((await reopened.listJobsOfConversation('c1')).map((each) => each.id)).toEqual(['j-a']);
      expect((await reopened.listTurns('c1')).map((each) => each.id)).toEqual(['t-a']);
      expect((await reopened.getJob('j-a'))?.idempotencyKey).toBe('slack:T1:C1:17.1');
    });

    it('writes nothing, key included, when the job cannot be written', async () => {
      const store = await open();
      const broken = { job: job({ id: 'j-x', conversationId: 'missing', turnId: 'missing' }) };
      await expect(store.createJobWithKey('discord:123', broken)).rejects.toThrow(/foreign key/i);
      expect(await store.createJobWithKey('discord:123', records('a'))).toEqual({ created: true, jobId: 'j-a' });
    });

    const hourOfU1 = { query: { platform: 'slack', workspaceId: 'T1', memberId: 'U1', since: 0 }, limit: 5 } as const;

    it('writes the usage reservation with the job, and nothing of either when the quota has no room', async () => {
      const store = await open();
      const first = { ...records('a'), reservation: reservation('j-a', 4), quota: [hourOfU1] };
      expect(await store.createJobWithKey('k-a', first)).toEqual({ created: true, jobId: 'j-a' });
      expect(await store.sumUsage(hourOfU1.query)).toBe(4);

      const second = {
        turn: turn({ id: 't-b', jobId: 'j-b' }),
        job: job({ id: 'j-b', turnId: 't-b' }),
        reservation: reservation('j-b', 2),
        quota: [hourOfU1],
      };
      expect(await store.createJobWithKey('k-b', second)).toEqual({ created: false, reason: 'quota', guard: hourOfU1 });
      expect(await store.getJob('j-b')).toBeUndefined();
      expect(await store.getTurn('t-b')).toBeUndefined();
      expect(await store.findIdempotencyKey('k-b')).toBeUndefined();
      expect(await store.sumUsage(hourOfU1.query)).toBe(4);
      // The refused key stays free: the same delivery goes through once there is room.
      expect(await store.createJobWithKey('k-b', { ...second, quota: [{ ...hourOfU1, limit: 6 }] })).toMatchObject({
        created: true,
      });
    });

    it('answers a Reroll that is already queued for the member as a duplicate of it, inside the write', async () => {
      const store = await open();
      await store.createJobWithKey('k-a', records('a'));
      await store.updateJob('j-a', { state: 'delivered', updatedAt: 2_000 });
      const reroll = (suffix: string) => ({
        turn: turn({ id: `t-${suffix}`, jobId: `j-${suffix}`, parentTurnId: 't-a', action: 'reroll' }),
        job: job({ id: `j-${suffix}`, turnId: `t-${suffix}`, action: 'reroll' }),
        unlessPending: { memberId: 'U1', turnId: 't-a', action: 'reroll' as const },
      });
      expect(await store.createJobWithKey('click-1', reroll('b'))).toEqual({ created: true, jobId: 'j-b' });
      expect(await store.createJobWithKey('click-2', reroll('c'))).toEqual({
        created: false,
        reason: 'pending',
        jobId: 'j-b',
      });
      expect(await store.getJob('j-c')).toBeUndefined();
      await store.updateJob('j-b', { state: 'delivered', updatedAt: 3_000 });
      expect(await store.createJobWithKey('click-3', reroll('d'))).toEqual({ created: true, jobId: 'j-d' });
    });

    it('points a retried turn at its new job and touches the conversation in the same write', async () => {
      const store = await open();
      await store.createJobWithKey('k-a', records('a'));
      await store.updateJob('j-a', { state: 'failed', updatedAt: 2_000 });
      const retry = job({ id: 'j-r', turnId: 't-a', createdAt: 7_000, updatedAt: 7_000 });
      await store.createJobWithKey('k-r', { job: retry, retryTurnId: 't-a', touchConversationId: 'c1' });
      expect((await store.getTurn('t-a'))?.jobId).toBe('j-r');
      expect((await store.getConversation('c1'))?.updatedAt).toBe(7_000);
    });

    it('merges delivery ids instead of overwriting them: two writers keep both', async () => {
      const store = await open();
      await store.createJobWithKey('k-a', records('a'));
      const [status, result] = await Promise.all([
        store.mergeJobDelivery('j-a', { statusTs: '17.2' }, 3_000),
        store.mergeJobDelivery('j-a', { turnTs: '17.9', threadTs: null }, 3_001),
      ]);
      expect(status?.delivery).toMatchObject({ channelId: 'C1', statusTs: '17.2' });
      expect(result?.delivery).toEqual({ channelId: 'C1', statusTs: '17.2', turnTs: '17.9' });
      expect((await store.getJob('j-a'))?.delivery).toEqual({ channelId: 'C1', statusTs: '17.2', turnTs: '17.9' });
      expect(await store.mergeJobDelivery('missing', { a: 1 }, 1)).toBeUndefined();
    });

    it('claims a key once', async () => {
      const store = await open();
      expect(await store.claimIdempotencyKey('discord:42', 'j1', 1)).toEqual({ claimed: true });
      expect(await store.claimIdempotencyKey('discord:42', 'j2', 2)).toEqual({ claimed: false, jobId: 'j1' });
    });
  });
}
