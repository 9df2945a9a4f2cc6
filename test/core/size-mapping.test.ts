import { describe, expect, it } from 'vitest';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { chooseSize } from '../../src/core/size-mapping.js';

const catalogue = createModelCatalogue();
const model = (name: string) => catalogue.resolve(name);
const message = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('chooseSize', () => {
  it('sends Gemini the ratio itself, and the tier only to models that take it', () => {
    expect(chooseSize(model('nano-banana-pro'), '16:9', '2K')).toMatchObject({
      size: '16:9',
      imageSize: '2K',
      tier: '2K',
    });
    expect(chooseSize(model('nano-banana'), '32:18')).toMatchObject({ size: '16:9', tier: '1K' });
    expect(chooseSize(model('nano-banana'), '16:9').imageSize).toBeUndefined();
    expect(message(() => chooseSize(model('nano-banana'), '7:5'))).toContain('takes aspect ratios 1:1, 3:2');
    expect(message(() => chooseSize(model('nano-banana'), undefined, '4K'))).toBe(
      'gemini-2.5-flash-image makes only 1K images; 4K is not available on this model.',
    );
  });

  it('maps a ratio to the nearest GPT Image size and says so when it is not exact', () => {
    const wide = chooseSize(model('gpt-image-1'), '16:9');
    expect(wide.size).toBe('1536x1024');
    expect(wide.notices).toEqual(['16:9 became 1536x1024 (3:2): gpt-image-1 takes 1024x1024, 1024x1536 or 1536x1024.']);
    expect(chooseSize(model('gpt-image-1'), '9:16').size).toBe('1024x1536');
    expect(chooseSize(model('gpt-image-1'), '1:1').notices).toEqual([]);
    expect(message(() => chooseSize(model('gpt-image-1'), undefined, '512x512'))).toBe(
      'gpt-image-1 takes 1024x1024, 1024x1536 or 1536x1024.',
    );
  });

  it('gives Seedream 4.x WxH at 2K or 4K, or the tier alone when no shape was asked', () => {
    expect(chooseSize(model('seedream'), '16:9')).toMatchObject({ size: '2560x1440', tier: '2K' });
    expect(chooseSize(model('seedream'), '16:9', '4K')).toMatchObject({ size: '5504x3040', tier: '4K' });
    expect(chooseSize(model('seedream'), undefined, '4K')).toMatchObject({ size: '4K' });
    expect(chooseSize(model('seedream')).size).toBe('2K');
    const odd = chooseSize(model('seedream'), '5:4').size as string;
    const [width, height] = odd.split('x').map(Number) as [number, number];
    expect(width / height).toBeCloseTo(1.25, 1);
    expect(message(() => chooseSize(model('seedream'), undefined, '1K'))).toContain('takes --size 2K or 4K');
  });

  it('uses the Seedream 3.0 and Qwen size lists', () => {
    expect(chooseSize(model('seedream-3'), '16:9').size).toBe('1280x720');
    expect(chooseSize(model('qwen'), '16:9').size).toBe('1664*928');
    expect(chooseSize(model('qwen'), undefined, '1472x1140').size).toBe('1472*1140');
    expect(chooseSize(model('qwen'), '3:2').notices[0]).toContain('3:2 became');
  });

  it('refuses a ratio and a size that disagree', () => {
    expect(message(() => chooseSize(model('gpt-image-1'), '16:9', '1024x1024'))).toContain('disagree');
  });

  it('notes that edit models keep the input shape', () => {
    expect(chooseSize(model('seededit'), '16:9')).toMatchObject({ size: 'adaptive' });
    expect(chooseSize(model('qwen-edit'), '16:9').notices[0]).toContain('keeps the shape');
  });

  it('refuses what is not a ratio or a size', () => {
    expect(message(() => chooseSize(model('gpt-image-1'), 'wide'))).toContain('not an aspect ratio');
    expect(message(() => chooseSize(model('gpt-image-1'), undefined, 'huge'))).toContain('is not a size');
  });
});
