import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../src/core/user-facing-error.js';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const day = 24 * 3_600_000;

describe('retention', () => {
  it('deletes conversations older than the retention time with their images; a later reply is told it expired', async () => {
    const harness = harnesses.create({ settings: { retentionMs: 30 * day } });
    const old = await harness.imagineDelivered('an old lighthouse');
    const oldEdit = await harness.settle((await harness.edit(old.turn.conversationId, 'make it stormy')).job.id);
    harness.clock.advance(10 * day);
    const recent = await harness.imagineDelivered('a recent harbour');
    const oldFiles = [...old.turn.outputImages, ...oldEdit.turn.outputImages].map((image) =>
      harness.blobPath(image.hash),
    );
    const recentFiles = recent.turn.outputImages.map((image) => harness.blobPath(image.hash));
    expect([...oldFiles, ...recentFiles].every((file) => existsSync(file))).toBe(true);

    // 30 days after the old conversation's last activity; the recent one is 20 days old.
    harness.clock.advance(20 * day + 1);
    expect(await harness.engine.cleanExpired()).toEqual({ conversations: 1, images: oldFiles.length });
    expect(oldFiles.some((file) => existsSync(file))).toBe(false);
    expect(recentFiles.every((file) => existsSync(file))).toBe(true);
    expect(await harness.store.getConversation(old.turn.conversationId)).toBeUndefined();
    expect(await harness.store.listTurns(old.turn.conversationId)).toEqual([]);
    expect(await harness.store.getConversation(recent.turn.conversationId)).toBeDefined();

    const reply = harness.edit(old.turn.conversationId, 'add a boat');
    await expect(reply).rejects.toBeInstanceOf(UserFacingError);
    await expect(reply).rejects.toMatchObject({
      code: 'conversation_expired',
      message: 'This conversation has expired: its images are gone. Start a new one with /imagine.',
    });
    const button = harness.submit({
      action: 'reroll',
      conversationId: recent.turn.conversationId,
      target: { turnId: old.turn.id },
      text: '',
    });
    await expect(button).rejects.toMatchObject({ code: 'conversation_expired' });
    // The recent conversation still takes replies.
    const edit = await harness.settle((await harness.edit(recent.turn.conversationId, 'add gulls')).job.id);
    expect(edit.job.state).toBe('delivered');
  });

  it('keeps a conversation that is still in use, and cleans at start', async () => {
    const harness = harnesses.create({ settings: { retentionMs: 30 * day } });
    const first = await harness.imagineDelivered('a lighthouse');
    harness.clock.advance(25 * day);
    await harness.settle((await harness.edit(first.turn.conversationId, 'make it night')).job.id);
    harness.clock.advance(25 * day);
    expect(await harness.engine.cleanExpired()).toEqual({ conversations: 0, images: 0 });

    harness.clock.advance(5 * day + 1);
    const restarted = await harness.reopen();
    await restarted.engine.start();
    expect(await restarted.store.getConversation(first.turn.conversationId)).toBeUndefined();
    expect(restarted.blobFiles()).toEqual([]);
  });
});
