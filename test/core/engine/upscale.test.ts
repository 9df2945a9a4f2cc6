import { afterEach, describe, expect, it } from 'vitest';
import type { Requester } from '../../../src/core/engine/engine-types.js';
import { nextTier, upscaleStep } from '../../../src/core/engine/upscale.js';
import type { ImageProvider } from '../../../src/core/image-provider.js';
import type { GenerationRequest } from '../../../src/core/imagine-request.js';
import { createModelCatalogue } from '../../../src/core/models/model-catalogue.js';
import { createOfflineImageProvider } from '../../../src/providers/offline-renderer.js';
import { billedStandIn } from '../../support/billed-provider.js';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const member: Requester = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' };
const catalogue = createModelCatalogue();

/** A paid stand-in that keeps every request it was sent. */
function recordingProvider(): { provider: ImageProvider; requests: GenerationRequest[] } {
  const requests: GenerationRequest[] = [];
  const inner = billedStandIn(createOfflineImageProvider({ maxLongSide: 64 }));
  return {
    requests,
    provider: {
      ...inner,
      generate: (request, options) => {
        requests.push(request);
        return inner.generate(request, options);
      },
    },
  };
}

describe('the next size tier, from the catalogue', () => {
  it('goes 1K → 2K → 4K on Gemini 3 Pro, 2K → 4K on Seedream 4.x, and nowhere on single-size models', () => {
    const pro = catalogue.resolve('gemini-3-pro-image-preview');
    expect(nextTier(pro, '1K')).toBe('2K');
    expect(nextTier(pro, '2K')).toBe('4K');
    expect(nextTier(pro, '4K')).toBeUndefined();
    expect(nextTier(catalogue.resolve('seedream-4.5'), '2K')).toBe('4K');
    expect(nextTier(catalogue.resolve('gemini-2.5-flash-image'), '1K')).toBeUndefined();
    expect(nextTier(catalogue.resolve('gpt-image-1'), '1K')).toBeUndefined();
    expect(nextTier(catalogue.resolve('qwen-image-plus'), '1K')).toBeUndefined();
  });

  it('asks for confirmation only where one image costs more than 4 units', () => {
    const pro = { model: 'gemini-3-pro-image-preview', prompt: 'p', count: 1 } as const;
    expect(upscaleStep(catalogue, { ...pro, tier: '1K' })).toMatchObject({ tier: '2K', needsConfirmation: false });
    expect(upscaleStep(catalogue, { ...pro, tier: '2K' })).toMatchObject({
      tier: '4K',
      unitsPerImage: 6,
      needsConfirmation: true,
    });
    const seedream = { model: 'doubao-seedream-4-5-251128', prompt: 'p', count: 1, tier: '2K' } as const;
    expect(upscaleStep(catalogue, seedream)).toMatchObject({ tier: '4K', unitsPerImage: 1, needsConfirmation: false });
  });
});

describe('Upscale, a new turn at the next tier', () => {
  it('makes the picked image at 2K, then 4K after the cost is confirmed, as new turns', async () => {
    const { provider, requests } = recordingProvider();
    const harness = harnesses.create({ provider });
    const first = await harness.imagineDelivered('a lighthouse --model gemini-3-pro --ar 16:9 --n 2');
    expect(first.turn.parameters?.tier).toBe('1K');

    const twoK = await harness.submit({ action: 'upscale', text: '', target: { turnId: first.turn.id, index: 1 } });
    const upscaled = await harness.settle(twoK.job.id);
    expect(upscaled.job.state).toBe('delivered');
    expect(upscaled.turn).toMatchObject({
      action: 'upscale',
      parentTurnId: first.turn.id,
      instruction: 'a lighthouse',
    });
    expect(upscaled.turn.parameters).toMatchObject({ tier: '2K', imageSize: '2K', aspectRatio: '16:9', count: 1 });
    // Gemini takes no seed: the picked image itself is the base, so the larger picture is that one.
    expect(upscaled.turn.inputImages.map((image) => image.hash)).toEqual([first.turn.outputImages[1]?.hash]);
    expect(requests.at(-1)?.imageSize).toBe('2K');

    // 4K costs 6 units an image: the member is shown the cost, and nothing is made until they confirm.
    const before = requests.length;
    const unconfirmed = { action: 'upscale' as const, text: '', target: { turnId: upscaled.turn.id } };
    await expect(harness.submit(unconfirmed)).rejects.toMatchObject({
      code: 'confirm_cost',
      message: 'Upscaling to 4K costs 6 units for this image. Go ahead?',
      tier: '4K',
      units: 6,
    });
    expect(await harness.allJobs()).toHaveLength(2);
    const fourK = await harness.submit({ ...unconfirmed, confirmed: true });
    const largest = await harness.settle(fourK.job.id);
    expect(largest.turn.parameters).toMatchObject({ tier: '4K', imageSize: '4K' });
    expect(largest.job.costUnits).toBe(6);
    expect(requests.slice(before)).toHaveLength(1);

    // Nothing is larger than 4K.
    await expect(
      harness.submit({ action: 'upscale', text: '', target: { turnId: largest.turn.id } }),
    ).rejects.toMatchObject({ code: 'no_larger_size' });
  });

  it('keeps the prompt, seed and base of the picked image on a model that takes a seed', async () => {
    const { provider, requests } = recordingProvider();
    const harness = harnesses.create({ provider });
    const first = await harness.imagineDelivered('a fox --model seedream-4.5 --seed 77 --ar 3:2');
    expect(first.turn.parameters?.tier).toBe('2K');
    const { job } = await harness.submit({ action: 'upscale', text: '', target: { turnId: first.turn.id } });
    const upscaled = await harness.settle(job.id);
    expect(upscaled.turn.parameters).toMatchObject({ prompt: 'a fox', seed: 77, tier: '4K', size: '4992x3328' });
    expect(upscaled.turn.inputImages).toEqual([]);
    expect(requests.at(-1)).toMatchObject({ seed: 77, size: '4992x3328', count: 1 });
  });

  it('refuses a model without a larger size, a turn that is not the caller’s, and no image at all', async () => {
    const harness = harnesses.create({ provider: billedStandIn() });
    const first = await harness.imagineDelivered('a fern');
    await expect(
      harness.submit({ action: 'upscale', text: '', target: { turnId: first.turn.id } }),
    ).rejects.toMatchObject({
      code: 'no_larger_size',
      message: 'gemini-2.5-flash-image makes nothing larger than 1K, so this image cannot be upscaled.',
    });
    await expect(
      harness.submit({ action: 'upscale', text: '', workspaceId: 'T2', target: { turnId: first.turn.id } }),
    ).rejects.toMatchObject({ code: 'conversation_expired' });
    await expect(harness.submit({ action: 'upscale', text: 'a fern' })).rejects.toMatchObject({
      code: 'nothing_to_edit',
    });
    expect(await harness.engine.usage(member)).toMatchObject({ lastHour: { units: 1 } });
  });
});
