import type { ImageApiDialect, ModelFamily, ModelSpec } from './model-spec.js';

/** Which member options reach the model through its gateway dialect (docs/image-api.md, "The new-api dialect"). */
export interface DialectSupport {
  readonly dialect: ImageApiDialect;
  /** The gateway passes `seed` on (only meaningful for models that take one). */
  readonly seed: boolean;
  /** The gateway passes a negative prompt on (only meaningful for models that take one). */
  readonly negativePrompt: boolean;
  /** The gateway passes an inpainting mask on (only meaningful for models that take one). */
  readonly mask: boolean;
}

/**
 * What stock new-api drops per family: every field outside its kept list on `/v1/images/generations` (Seedream's
 * `seed`, unless the operator turned on body pass-through for the channel), and Qwen's `parameters.negative_prompt`.
 * Gemini and GPT Image take neither option in any dialect.
 */
const newApiDrops: Record<ModelFamily, { readonly seed: boolean; readonly negativePrompt: boolean }> = {
  gemini: { seed: false, negativePrompt: false },
  seedream: { seed: true, negativePrompt: false },
  'gpt-image': { seed: false, negativePrompt: false },
  qwen: { seed: false, negativePrompt: true },
};

/** The dialect a model's requests are written in: its catalogue entry, else `documented`. */
export function dialectOf(model: ModelSpec): ImageApiDialect {
  return model.dialect ?? 'documented';
}

export function dialectSupport(model: ModelSpec): DialectSupport {
  const dialect = dialectOf(model);
  // The documented gateway has no edits endpoint: a mask has nowhere to go there.
  if (dialect === 'documented') return { dialect, seed: true, negativePrompt: true, mask: false };
  const drops = newApiDrops[model.family];
  const passThrough = model.family === 'seedream' && model.wire.seedreamPassThrough === true;
  return { dialect, seed: passThrough || !drops.seed, negativePrompt: !drops.negativePrompt, mask: true };
}

/** Most images one upstream call of this model returns through its dialect's gateway. */
export function outputsPerCall(model: ModelSpec, dialect: ImageApiDialect = dialectOf(model)): number {
  return model.maxOutputsPerCallByDialect?.[dialect] ?? model.maxOutputsPerCall;
}
