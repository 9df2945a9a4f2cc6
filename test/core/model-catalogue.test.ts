import { describe, expect, it } from 'vitest';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';

describe('model catalogue', () => {
  it('holds every model of docs/image-api.md with its family and edit sibling', () => {
    const catalogue = createModelCatalogue();
    expect(catalogue.list().map((model) => [model.id, model.family])).toEqual([
      ['gemini-2.5-flash-image', 'gemini'],
      ['gemini-3-pro-image-preview', 'gemini'],
      ['gemini-3.1-flash-image-preview', 'gemini'],
      ['doubao-seedream-4-5-251128', 'seedream'],
      ['doubao-seedream-4-0-250828', 'seedream'],
      ['doubao-seedream-3-0-t2i-250415', 'seedream'],
      ['doubao-seededit-3-0-i2i-250628', 'seedream'],
      ['gpt-image-1', 'gpt-image'],
      ['gpt-image-1-mini', 'gpt-image'],
      ['qwen-image-plus', 'qwen'],
      ['qwen-image-edit-plus', 'qwen'],
    ]);
    expect(catalogue.resolve('qwen').editSibling).toBe('qwen-image-edit-plus');
    expect(catalogue.resolve('seedream-3').editSibling).toBe('doubao-seededit-3-0-i2i-250628');
    expect(catalogue.resolve('nano-banana').maxInputBytes).toBe(7_000_000);
    expect(catalogue.resolve('seedream-4.5').maxInputBytes).toBe(10_000_000);
  });

  it('finds ids and aliases case-insensitively', () => {
    const catalogue = createModelCatalogue();
    expect(catalogue.find('Nano-Banana')?.id).toBe('gemini-2.5-flash-image');
    expect(catalogue.find('GPT-IMAGE')?.id).toBe('gpt-image-1');
    expect(catalogue.find('midjourney')).toBeUndefined();
  });

  it('lets operators override a field of a known model and add a new one', () => {
    const catalogue = createModelCatalogue([
      { id: 'gpt-image-1', maxCount: 2 },
      {
        id: 'doubao-seedream-5-0-260101',
        family: 'seedream',
        label: 'Seedream 5',
        aliases: ['seedream-5'],
        textToImage: true,
        maxInputImages: 14,
        multiImageFusion: true,
        maxOutputsPerCall: 1,
        maxCount: 4,
        sizing: { kind: 'input' },
        seed: true,
        negativePrompt: false,
        maxPromptChars: 4000,
        inputFormats: ['image/png'],
        maxInputBytes: 10_000_000,
        maxRequestInputBytes: 50_000_000,
        responseFormat: 'url',
        cost: { perImage: 1 },
      },
    ]);
    expect(catalogue.resolve('gpt-image-1').maxCount).toBe(2);
    expect(catalogue.resolve('seedream-5').id).toBe('doubao-seedream-5-0-260101');
  });

  it('says which field of an operator entry is wrong', () => {
    expect(() => createModelCatalogue([{ id: 'new-model', family: 'gemini' }])).toThrow(/model "new-model": label/);
    expect(() => createModelCatalogue([{ id: 'qwen-image-plus', editSibling: 'nope' }])).toThrow(
      'model "qwen-image-plus": editSibling "nope" is not in the catalogue',
    );
  });
});
