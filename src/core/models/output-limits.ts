import { catalogueBounds, sidesOf } from './model-bounds.js';
import type { ModelSpec, SizeTier } from './model-spec.js';

/** What a generated image of a model may be: anything past it is a bad answer, not an image to deliver. */
export interface OutputLimits {
  /** Longest side, in pixels. */
  readonly maxSide: number;
  readonly maxPixels: number;
  /** Decoded bytes of one image (the catalogue's `maxOutputBytes`). */
  readonly maxBytes: number;
}

/** Room above the documented sizes: upstreams round sizes and add models faster than docs follow. */
const margin = 1.25;

/** Gemini's widest 1K size (21:9) is 1584×672, its 1:1 is 1024×1024; 2K and 4K double and quadruple them. */
const geminiTier: Record<SizeTier, { side: number; pixels: number }> = {
  '1K': { side: 1584, pixels: 1024 * 1024 },
  '2K': { side: 3168, pixels: 2048 * 2048 },
  '4K': { side: 6336, pixels: 4096 * 4096 },
};

/** A model that sizes from its input (SeedEdit, Qwen edit) follows inputs of up to 6000×6000 (Ark's limit). */
const fromInput = { side: 6000, pixels: 6000 * 6000 };

/**
 * The largest image a model is expected to return, from its sizing in the catalogue, with a margin; never more than
 * the catalogue's bound per side. Checked on every generated image before it is stored.
 */
export function outputLimitsOf(model: ModelSpec): OutputLimits {
  const largest = largestOutput(model);
  const maxSide = Math.min(Math.ceil(largest.side * margin), catalogueBounds.maxSide);
  return {
    maxSide,
    maxPixels: Math.min(Math.ceil(largest.pixels * margin * margin), maxSide * maxSide),
    maxBytes: model.maxOutputBytes,
  };
}

function largestOutput(model: ModelSpec): { side: number; pixels: number } {
  const { sizing } = model;
  switch (sizing.kind) {
    case 'ratio':
      return sizing.tiers.reduce(
        (most, tier) => ({
          side: Math.max(most.side, geminiTier[tier].side),
          pixels: Math.max(most.pixels, geminiTier[tier].pixels),
        }),
        { side: 0, pixels: 0 },
      );
    case 'fixed':
      return largestOf(sizing.sizes.map((choice) => choice.size));
    case 'free': {
      const listed = largestOf(Object.values(sizing.tiers).flatMap((sizes) => sizes.map((choice) => choice.size)));
      return { side: Math.max(listed.side, Math.ceil(Math.sqrt(sizing.maxPixels))), pixels: sizing.maxPixels };
    }
    case 'input':
      return fromInput;
  }
}

function largestOf(sizes: readonly string[]): { side: number; pixels: number } {
  let side = 0;
  let pixels = 0;
  for (const size of sizes) {
    const { width, height } = sidesOf(size);
    side = Math.max(side, width, height);
    pixels = Math.max(pixels, width * height);
  }
  return { side, pixels };
}
