import type { ImageApiDialect, ModelFamily, ModelSpec } from './model-spec.js';

/** Which member options reach the model through its gateway dialect (docs/image-api.md, "The new-api dialect"). */
export interface DialectSupport {
  readonly dialect: ImageApiDialect;
  /** The gateway passes `seed` on (only meaningful for models that take one). */
  readonly seed: boolean;
  /** The gateway passes a negative prompt on (only meaningful for models that take one). */
  readonly negativePrompt: boolean;
}

/**
 * What stock new-api drops per family: every field outside its kept list on `/v1/images/generations` (Seedream's
 * `seed`), and Qwen's `parameters.negative_prompt`. Gemini and GPT Image take neither option in any dialect.
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
  if (dialect === 'documented') return { dialect, seed: true, negativePrompt: true };
  const drops = newApiDrops[model.family];
  return { dialect, seed: !drops.seed, negativePrompt: !drops.negativePrompt };
}
