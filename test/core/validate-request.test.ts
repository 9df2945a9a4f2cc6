import { describe, expect, it } from 'vitest';
import type { ImagineRequest, InputImage } from '../../src/core/imagine-request.js';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { UserFacingError } from '../../src/core/user-facing-error.js';
import { validateRequest } from '../../src/core/validate-request.js';

const catalogue = createModelCatalogue();
const context = { catalogue, defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 1234 };
const png: InputImage = { bytes: new Uint8Array([0x89, 0x50]), mimeType: 'image/png', name: 'in.png' };
const validate = (input: ImagineRequest) => validateRequest(input, context);
const failure = (input: ImagineRequest) => {
  try {
    validate(input);
  } catch (error) {
    if (error instanceof UserFacingError) return error;
    throw error;
  }
  throw new Error('expected a validation error');
};

describe('validateRequest', () => {
  it('uses the default model and its default shape', () => {
    const { request, notices } = validate({ prompt: 'a cat' });
    expect(request.model.id).toBe('gemini-2.5-flash-image');
    expect(request).toMatchObject({ prompt: 'a cat', count: 1, size: '1:1', tier: '1K' });
    expect(request.imageSize).toBeUndefined();
    expect(request.seed).toBeUndefined();
    expect(notices).toEqual([]);
  });

  it('resolves aliases and suggests the nearest id for an unknown model', () => {
    expect(validate({ prompt: 'x', model: 'nano-banana-pro' }).request.model.id).toBe('gemini-3-pro-image-preview');
    const error = failure({ prompt: 'x', model: 'gpt-imag-1' });
    expect(error.code).toBe('unknown_model');
    expect(error.message).toContain('Did you mean `gpt-image-1`');
  });

  it('refuses an empty prompt and a prompt over the model limit', () => {
    expect(failure({ prompt: '   ' }).code).toBe('empty_prompt');
    const long = failure({ prompt: 'x'.repeat(801), model: 'qwen' });
    expect(long.message).toBe('The prompt is 801 characters; qwen-image-plus takes at most 800.');
  });

  it('bounds --n by the model', () => {
    expect(failure({ prompt: 'x', count: 0 }).message).toBe('--n takes 1 to 4 on gemini-2.5-flash-image, not 0.');
    expect(failure({ prompt: 'x', count: 99 }).code).toBe('bad_count');
    expect(failure({ prompt: 'x', count: 1000, model: 'gpt-image-1' }).message).toBe(
      '--n takes 1 to 4 on gpt-image-1, not 1000.',
    );
  });

  it('refuses a negative seed, and says so when a model takes none instead of showing a seed it ignored', () => {
    expect(failure({ prompt: 'x', model: 'seedream', seed: -1 }).message).toContain('0 to 2147483647');
    const { request, notices } = validate({ prompt: 'x', model: 'gpt-image-1', seed: 42 });
    expect(request.seed).toBeUndefined();
    expect(notices.map((notice) => notice.code)).toEqual(['seed_ignored']);
  });

  it('picks a seed for seeded models so the result can be reproduced, and keeps a given one', () => {
    expect(validate({ prompt: 'x', model: 'seedream' }).request.seed).toBe(1234);
    expect(validate({ prompt: 'x', model: 'seedream', seed: 7 }).request.seed).toBe(7);
  });

  it('says --no has no effect where there is no negative prompt, and passes it where there is', () => {
    expect(validate({ prompt: 'x', negativePrompt: 'trees' }).notices[0]?.code).toBe('negative_ignored');
    expect(validate({ prompt: 'x', model: 'qwen', negativePrompt: 'trees' }).request.negativePrompt).toBe('trees');
  });

  it('names the allowed qualities', () => {
    expect(failure({ prompt: 'x', model: 'gpt-image-1', quality: 'ultra' }).message).toBe(
      'gpt-image-1 takes --quality low, medium, high.',
    );
    expect(validate({ prompt: 'x', quality: 'high' }).notices[0]?.code).toBe('quality_ignored');
  });

  it('hands an edit to the edit sibling of a model that takes no images', () => {
    const { request, notices } = validate({ prompt: 'make it blue', model: 'qwen-image-plus', inputImages: [png] });
    expect(request.model.id).toBe('qwen-image-edit-plus');
    expect(notices[0]?.message).toBe('qwen-image-plus cannot take images, so this edit uses qwen-image-edit-plus.');
    expect(validate({ prompt: 'x', model: 'seedream-3', inputImages: [png] }).request.model.id).toBe(
      'doubao-seededit-3-0-i2i-250628',
    );
  });

  it('asks for an image on an edit-only model, and bounds the number of inputs', () => {
    expect(failure({ prompt: 'x', model: 'seededit' }).code).toBe('model_needs_image');
    expect(failure({ prompt: 'x', model: 'seededit', inputImages: [png, png] }).message).toBe(
      'doubao-seededit-3-0-i2i-250628 takes at most 1 image; 2 were given.',
    );
  });
});
