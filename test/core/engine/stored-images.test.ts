import { unlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

describe('an edit whose stored image is gone or damaged', () => {
  it('fails with "this conversation has expired" when the image file is missing, and the engine carries on', async () => {
    const harness = harnesses.create();
    const first = await harness.imagineDelivered('a lighthouse at dusk');
    const [output] = first.turn.outputImages;
    unlinkSync(harness.blobPath(output?.hash ?? ''));

    const { job } = await harness.edit(first.turn.conversationId, 'make it stormy');
    const failed = await harness.settle(job.id);
    expect(failed.job.state).toBe('failed');
    expect(failed.job.error).toEqual({
      code: 'conversation_expired',
      message: 'This conversation has expired: its images are gone. Start a new one with /imagine.',
      retryable: false,
    });
    expect(harness.events.count('failed', job.id)).toBe(1);
    expect(harness.logger.at('error')).toEqual([]);

    const next = await harness.imagineDelivered('a harbour at dawn');
    expect(next.job.state).toBe('delivered');
  });

  it('fails with a clear "image is corrupt" message when the file no longer matches its hash', async () => {
    const harness = harnesses.create();
    const first = await harness.imagineDelivered('a lighthouse at dusk');
    const hash = first.turn.outputImages[0]?.hash ?? '';
    writeFileSync(harness.blobPath(hash), 'not the image that was stored');

    const { job } = await harness.edit(first.turn.conversationId, 'make it stormy');
    const failed = await harness.settle(job.id);
    expect(failed.job.state).toBe('failed');
    expect(failed.job.error).toMatchObject({ code: 'image_corrupt', retryable: false });
    expect(failed.job.error?.message).toBe(
      'The image this starts from is damaged in storage, so it cannot be used. Attach it again or start a new conversation with /imagine.',
    );
    // The operator hears about damaged storage; the member's sentence has no hash in it.
    expect(harness.logger.at('warn')).toMatchObject([{ message: 'stored image is corrupt', details: { hash } }]);
    // A picked image (a button under it) fails the same way.
    const picked = await harness.edit(first.turn.conversationId, 'add a boat', {
      target: { turnId: first.turn.id, index: 0 },
    });
    expect((await harness.settle(picked.job.id)).job.error?.code).toBe('image_corrupt');

    const next = await harness.imagineDelivered('a harbour at dawn');
    expect(next.job.state).toBe('delivered');
    expect(harness.deliverer.delivered.map((delivery) => delivery.jobId)).toEqual([first.job.id, next.job.id]);
  });
});
