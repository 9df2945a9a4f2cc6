import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import { conversation, hashA, hashB, image, job, messageAt, seed, turn } from './store-fixtures.js';

/** Conversations, turns and the message map, on any store `open` gives. */
export function recordsContract(open: () => Promise<Store>): void {
  describe('conversations', () => {
    it('finds a conversation by its thread id and by its root message id', async () => {
      const store = await open();
      await store.createConversation(conversation({ platform: 'discord', workspaceId: 'G1', rootMessageId: 'M1' }));
      const location = { platform: 'discord', workspaceId: 'G1', channelId: 'C1' } as const;

      expect((await store.findConversationByLocation({ ...location, rootMessageId: 'M1' }))?.id).toBe('c1');
      expect(await store.findConversationByLocation({ ...location, threadId: 'TH1' })).toBeUndefined();

      // Discord opens the thread after the first reply is posted.
      const updated = await store.updateConversation('c1', { threadId: 'TH1', updatedAt: 2_000 });
      expect(updated).toMatchObject({ threadId: 'TH1', rootMessageId: 'M1', updatedAt: 2_000, createdAt: 1_000 });
      expect((await store.findConversationByLocation({ ...location, threadId: 'TH1' }))?.id).toBe('c1');
      expect(await store.getConversation('c1')).toEqual(updated);
    });

    it('matches a Slack thread_ts against the root message ts', async () => {
      const store = await open();
      await store.createConversation(conversation({ rootMessageId: '1700000000.000100' }));
      const found = await store.findConversationByLocation({
        platform: 'slack',
        workspaceId: 'T1',
        channelId: 'C1',
        threadId: '1700000000.000100',
      });
      expect(found?.id).toBe('c1');
    });

    it('does not find a conversation across channels, workspaces or platforms (a Slack ts is unique per channel)', async () => {
      const store = await open();
      await store.createConversation(conversation({ id: 'c1', channelId: 'C1', rootMessageId: '17.1' }));
      await store.createConversation(conversation({ id: 'c2', channelId: 'C2', rootMessageId: '17.1' }));
      const at = { platform: 'slack', workspaceId: 'T1', rootMessageId: '17.1' } as const;

      expect((await store.findConversationByLocation({ ...at, channelId: 'C1' }))?.id).toBe('c1');
      expect((await store.findConversationByLocation({ ...at, channelId: 'C2' }))?.id).toBe('c2');
      expect(await store.findConversationByLocation({ ...at, channelId: 'C3' })).toBeUndefined();
      expect(await store.findConversationByLocation({ ...at, workspaceId: 'T2', channelId: 'C1' })).toBeUndefined();
      expect(await store.findConversationByLocation({ ...at, platform: 'discord', channelId: 'C1' })).toBeUndefined();
      expect(await store.findConversationByLocation({ platform: 'slack', workspaceId: 'T1', channelId: 'C1' })).toBe(
        undefined,
      );
    });

    it('clears a field patched with null and answers undefined for an unknown conversation', async () => {
      const store = await open();
      await store.createConversation(conversation({ threadId: 'TH1' }));
      const updated = await store.updateConversation('c1', { threadId: null, model: 'gpt-image-1', updatedAt: 3_000 });
      expect(updated).not.toHaveProperty('threadId');
      expect(updated?.model).toBe('gpt-image-1');
      expect(await store.updateConversation('nope', { updatedAt: 3_000 })).toBeUndefined();
    });
  });

  describe('turns', () => {
    it('chains turns through parentTurnId and lists them in creation order', async () => {
      const store = await open();
      await seed(store);
      const second = turn({
        id: 'c1-t2',
        parentTurnId: 'c1-t1',
        action: 'edit',
        instruction: 'make it stormy',
        inputImages: [image(hashA)],
        jobId: 'c1-j2',
        createdAt: 2_000,
      });
      const third = turn({ id: 'c1-t3', parentTurnId: 'c1-t2', action: 'edit', jobId: 'c1-j3', createdAt: 2_000 });
      await store.createTurn(second);
      await store.createTurn(third);

      const turns = await store.listTurns('c1');
      expect(turns.map((each) => [each.id, each.parentTurnId])).toEqual([
        ['c1-t1', undefined],
        ['c1-t2', 'c1-t1'],
        ['c1-t3', 'c1-t2'],
      ]);
      expect(await store.getTurn('c1-t2')).toEqual(second);
    });

    it('stores what a running job learns about its turn', async () => {
      const store = await open();
      await seed(store);
      const parameters = { model: 'gemini-2.5-flash-image', prompt: 'a lighthouse', count: 1, seed: 42, tier: '1K' };
      const updated = await store.updateTurn('c1-t1', {
        parameters,
        outputImages: [image(hashA), image(hashB)],
        upstreamRequestIds: ['req-1'],
        providerState: { thoughtSignature: 'sig' },
        notices: ['preview: offline renderer'],
      });
      expect(updated).toMatchObject({
        parameters,
        outputImages: [image(hashA), image(hashB)],
        upstreamRequestIds: ['req-1'],
        providerState: { thoughtSignature: 'sig' },
        notices: ['preview: offline renderer'],
        instruction: 'a lighthouse at dusk',
      });
      const cleared = await store.updateTurn('c1-t1', { providerState: null });
      expect(cleared).not.toHaveProperty('providerState');
      expect(cleared?.outputImages).toHaveLength(2);
    });

    it('answers the newest turn with delivered or generated outputs as the base of the next edit', async () => {
      const store = await open();
      await seed(store);
      await store.updateTurnAndJob(
        { id: 'c1-t1', patch: { outputImages: [image(hashA)] } },
        { id: 'c1-j1', patch: { state: 'delivered', updatedAt: 1_100 } },
      );
      // A later turn that is still running, and one that failed, do not count.
      for (const [index, state] of [
        [2, 'running'],
        [3, 'failed'],
      ] as const) {
        await store.createTurn(
          turn({ id: `c1-t${index}`, parentTurnId: 'c1-t1', jobId: `c1-j${index}`, createdAt: 2_000 }),
        );
        await store.createJob(job({ id: `c1-j${index}`, turnId: `c1-t${index}`, state, createdAt: 2_000 }));
      }
      expect((await store.latestDeliveredTurn('c1'))?.id).toBe('c1-t1');

      await store.updateTurnAndJob(
        { id: 'c1-t2', patch: { outputImages: [image(hashB)] } },
        { id: 'c1-j2', patch: { state: 'generated', updatedAt: 2_100 } },
      );
      expect((await store.latestDeliveredTurn('c1'))?.id).toBe('c1-t2');
      expect(await store.latestDeliveredTurn('other')).toBeUndefined();
    });

    it('deletes a turn with its job and message links, keeps its children, and reports images nothing else uses', async () => {
      const store = await open();
      await seed(store);
      await store.updateTurn('c1-t1', { outputImages: [image(hashA), image(hashB)] });
      await store.createTurn(
        turn({ id: 'c1-t2', parentTurnId: 'c1-t1', inputImages: [image(hashA)], createdAt: 2_000 }),
      );
      await store.linkMessage({ ...messageAt('M1'), turnId: 'c1-t1' });

      const result = await store.deleteTurn('c1-t1');
      expect(result).toEqual({ deleted: true, orphanedHashes: [hashB] });
      expect(await store.getTurn('c1-t1')).toBeUndefined();
      expect(await store.getJob('c1-j1')).toBeUndefined();
      expect(await store.findMessage('slack', 'C1', 'M1')).toBeUndefined();
      expect(await store.getTurn('c1-t2')).not.toHaveProperty('parentTurnId');
      expect(await store.deleteTurn('c1-t1')).toEqual({ deleted: false, orphanedHashes: [] });
    });
  });

  describe('message map', () => {
    it('finds the turn (and output) of any message the bot posted, and lists the messages of a turn', async () => {
      const store = await open();
      await seed(store);
      await store.linkMessage({ ...messageAt('M1'), turnId: 'c1-t1' });
      await store.linkMessage({ ...messageAt('M2'), turnId: 'c1-t1', outputIndex: 1 });

      expect(await store.findMessage('slack', 'C1', 'M2')).toEqual({
        ...messageAt('M2'),
        turnId: 'c1-t1',
        outputIndex: 1,
      });
      expect(await store.findMessage('slack', 'C1', 'M1')).toEqual({ ...messageAt('M1'), turnId: 'c1-t1' });
      expect(await store.findMessage('slack', 'C2', 'M1')).toBeUndefined();
      expect(await store.findMessage('discord', 'C1', 'M1')).toBeUndefined();
      expect((await store.listMessagesOfTurn('c1-t1')).map((link) => link.messageId)).toEqual(['M1', 'M2']);
    });

    it('refuses a link to a turn that does not exist', async () => {
      const store = await open();
      await seed(store);
      await expect(store.linkMessage({ ...messageAt('M1'), turnId: 'nope' })).rejects.toThrow(/foreign key/i);
    });
  });
}
