import { describe, expect, it } from 'vitest';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';

const catalogue = createModelCatalogue();
const refusal = (name: string) => {
  try {
    catalogue.resolve(name);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${name} to be refused`);
};

describe('an unknown --model', () => {
  it('suggests the nearest models by edit distance over ids and aliases, by the name that matched', () => {
    expect(refusal('nope')).toMatch(
      /^Unknown model `nope`\. Did you mean `gpt` \(gpt-image-1\) or `qwen` \(qwen-image-plus\)\?/,
    );
    expect(refusal('seedram')).toContain(
      'Did you mean `seedream` (doubao-seedream-4-5-251128), `seedream-4` (doubao-seedream-4-0-250828) or `seedream-3` (doubao-seedream-3-0-t2i-250415)?',
    );
    expect(refusal('qwen-edti')).toContain('Did you mean `qwen-edit` (qwen-image-edit-plus)?');
    expect(refusal('gpt-imag-1')).toContain('Did you mean `gpt-image-1`?');
  });

  it('treats a fragment of a name as near, nearest first', () => {
    expect(refusal('banana')).toContain(
      'Did you mean `nano-banana` (gemini-2.5-flash-image), `nano-banana-2` (gemini-3.1-flash-image-preview) or `nano-banana-pro` (gemini-3-pro-image-preview)?',
    );
    expect(refusal('gemini-flash')).toContain('Did you mean `gemini-flash-image` (gemini-2.5-flash-image)?');
  });

  it('suggests nothing that is not a likely typo, and still lists every model', () => {
    const message = refusal('midjourney');
    expect(message).not.toContain('Did you mean');
    expect(message).toContain(
      `Known models: ${catalogue
        .list()
        .map((model) => model.id)
        .join(', ')}.`,
    );
  });
});
