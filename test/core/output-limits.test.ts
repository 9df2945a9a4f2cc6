import { describe, expect, it } from 'vitest';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { outputLimitsOf } from '../../src/core/models/output-limits.js';

const catalogue = createModelCatalogue();
const limits = (name: string) => outputLimitsOf(catalogue.resolve(name));

describe('the largest image each model may return', () => {
  it('follows the catalogue sizes with a 25% margin, and the catalogue cap on decoded bytes', () => {
    // Gemini 1K's widest size is 1584×672 (21:9); 4K's 6336×2688.
    expect(limits('nano-banana')).toEqual({ maxSide: 1980, maxPixels: 1_638_400, maxBytes: 10_000_000 });
    expect(limits('nano-banana-pro')).toEqual({ maxSide: 7920, maxPixels: 26_214_400, maxBytes: 40_000_000 });
    expect(limits('gpt-image-1')).toEqual({ maxSide: 1920, maxPixels: 2_457_600, maxBytes: 15_000_000 });
    expect(limits('qwen')).toEqual({ maxSide: 2080, maxPixels: 2_755_600, maxBytes: 10_000_000 });
    // Seedream 4.x: 6240×2656 at 4K 21:9, 4096² pixels at most.
    expect(limits('seedream-4')).toEqual({ maxSide: 7800, maxPixels: 26_214_400, maxBytes: 30_000_000 });
  });

  it('holds models that follow their input to Ark’s input limit of 6000×6000, with the margin', () => {
    expect(limits('seededit')).toEqual({ maxSide: 7500, maxPixels: 56_250_000, maxBytes: 10_000_000 });
  });
});
