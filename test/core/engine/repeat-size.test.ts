import { afterEach, describe, expect, it } from 'vitest';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

describe('Reroll and Variations repeat the size a turn was made at', () => {
  it.each([
    ['a tier', '--size 4K', '4K'],
    ['exact pixels', '--size 3000x2000', '3000x2000'],
    ['a tier and a shape', '--size 4K --ar 16:9', undefined],
  ])('on Seedream 4.5, given %s', async (_what, flags, expected) => {
    const harness = harnesses.create();
    const first = await harness.imagineDelivered(`a harbour at noon --model seedream ${flags}`);
    const made = first.turn.parameters;
    if (expected !== undefined) expect(made?.size).toBe(expected);

    const reroll = await harness.submit({
      action: 'reroll',
      text: '',
      conversationId: first.turn.conversationId,
      target: { turnId: first.turn.id },
    });
    const variations = await harness.submit({
      action: 'variations',
      text: '',
      conversationId: first.turn.conversationId,
      target: { turnId: first.turn.id, index: 0 },
    });
    for (const { job } of [reroll, variations]) {
      const settled = await harness.settle(job.id);
      expect(settled.job.state).toBe('delivered');
      expect(settled.turn.parameters).toMatchObject({ size: made?.size, tier: made?.tier });
      expect(settled.turn.outputImages[0]).toMatchObject({
        width: first.turn.outputImages[0]?.width,
        height: first.turn.outputImages[0]?.height,
      });
    }
  });

  it('keeps the ratio and the tier on Gemini 3 Pro', async () => {
    const harness = harnesses.create();
    const first = await harness.imagineDelivered('a harbour at noon --model nano-banana-pro --size 2K --ar 16:9');
    const reroll = await harness.submit({
      action: 'reroll',
      text: '',
      conversationId: first.turn.conversationId,
      target: { turnId: first.turn.id },
    });
    const settled = await harness.settle(reroll.job.id);
    expect(settled.turn.parameters).toMatchObject({ size: '16:9', imageSize: '2K', tier: '2K' });
  });
});
