import { afterEach, describe, expect, it } from 'vitest';
import { blendModels } from '../../../src/core/engine/blend.js';
import type { InputImage } from '../../../src/core/imagine-request.js';
import { createModelCatalogue } from '../../../src/core/models/model-catalogue.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const images = (count: number): InputImage[] =>
  Array.from({ length: count }, (_, index) => ({
    bytes: encodePng(16, 16, () => [index * 40, 100, 200]),
    mimeType: 'image/png',
    name: `${index}.png`,
  }));

describe('Blend', () => {
  it('is offered on the models that fuse several images: Gemini, Seedream 4.x, GPT Image, Qwen edit', () => {
    expect(blendModels(createModelCatalogue()).map((model) => model.id)).toEqual([
      'gemini-2.5-flash-image',
      'gemini-3-pro-image-preview',
      'gemini-3.1-flash-image-preview',
      'doubao-seedream-4-5-251128',
      'doubao-seedream-4-0-250828',
      'gpt-image-1',
      'gpt-image-1-mini',
      'qwen-image-edit-plus',
    ]);
  });

  it('fuses 3 images into one result, with a prompt of its own when none was given', async () => {
    const harness = harnesses.create();
    const { job } = await harness.submit({ text: '--model seedream', blend: true, attachments: images(3) });
    const settled = await harness.settle(job.id);
    expect(settled.job.state).toBe('delivered');
    expect(settled.turn.instruction).toBe('blend these images into one picture');
    expect(settled.turn.inputImages).toHaveLength(3);
    expect(settled.turn.outputImages).toHaveLength(1);
  });

  it('refuses 5 images, 1 image, a model that cannot fuse and one that takes fewer, before any job', async () => {
    const harness = harnesses.create();
    await expect(harness.submit({ text: 'a collage', blend: true, attachments: images(5) })).rejects.toMatchObject({
      code: 'bad_blend',
      message: 'Blend takes 2 to 4 images; 5 were given.',
    });
    await expect(harness.submit({ text: 'a collage', blend: true, attachments: images(1) })).rejects.toMatchObject({
      code: 'bad_blend',
      message: 'Blend takes 2 to 4 images; 1 was given.',
    });
    await expect(
      harness.submit({ text: 'a collage --model seededit', blend: true, attachments: images(2) }),
    ).rejects.toMatchObject({
      code: 'model_cannot_blend',
      message: expect.stringMatching(
        /^doubao-seededit-3-0-i2i-250628 cannot blend images\. Models that can: gemini-2\.5-flash-image, /,
      ),
    });
    await expect(
      harness.submit({ text: 'a collage --model gemini-2.5', blend: true, attachments: images(4) }),
    ).rejects.toMatchObject({
      code: 'too_many_images',
      message: 'gemini-2.5-flash-image blends at most 3 images; 4 were given.',
    });
    expect(await harness.allJobs()).toEqual([]);
    expect(harness.blobFiles()).toEqual([]);
  });
});
