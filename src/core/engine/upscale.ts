import { unitsPerImage } from '../jobs/quota.js';
import { dialectSupport } from '../models/dialect-support.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import { type ModelSpec, type SizeTier, sizeTiers } from '../models/model-spec.js';
import type { JobInput, TurnParameters, TurnRecord } from '../records.js';
import { UserFacingError } from '../user-facing-error.js';

/*
 * Upscale: one picked image made again at the model's next size tier (1K → 2K → 4K) as a new turn, with the same
 * prompt, seed and base. The catalogue says which models have a larger tier (a `ratio` model's `tiers`, a `free`
 * model's tier tables); elsewhere there is no Upscale. Above `upscaleConfirmUnits` per image the member confirms the
 * cost first.
 */

/** An Upscale whose one image costs more than this many units needs the member's confirmation. */
export const upscaleConfirmUnits = 4;

/** The next step up from a turn: the tier and what one image costs there. */
export interface UpscaleStep {
  readonly model: ModelSpec;
  readonly tier: SizeTier;
  readonly unitsPerImage: number;
  /** The member is shown the cost and confirms before the job exists. */
  readonly needsConfirmation: boolean;
}

/** The size tiers a model makes, smallest first. */
export function tiersOf(model: ModelSpec): readonly SizeTier[] {
  const { sizing } = model;
  if (sizing.kind === 'ratio') return sizeTiers.filter((tier) => sizing.tiers.includes(tier));
  if (sizing.kind === 'free') return sizeTiers.filter((tier) => sizing.tiers[tier] !== undefined);
  return [];
}

/** The tier after `current` that the model makes, if any. */
export function nextTier(model: ModelSpec, current: string | undefined): SizeTier | undefined {
  const tiers = tiersOf(model);
  const at = sizeTiers.indexOf((current ?? '1K') as SizeTier);
  return tiers.find((tier) => sizeTiers.indexOf(tier) > at);
}

/** Where a finished turn can go up a size: undefined for a model without a larger tier (no Upscale button). */
export function upscaleStep(catalogue: ModelCatalogue, parameters: TurnParameters): UpscaleStep | undefined {
  const model = catalogue.find(parameters.model);
  if (!model) return undefined;
  const tier = nextTier(model, parameters.tier);
  if (!tier) return undefined;
  const units = unitsPerImage(model, tier, parameters.quality);
  return { model, tier, unitsPerImage: units, needsConfirmation: units > upscaleConfirmUnits };
}

/** The confirmation a costly Upscale asks for: the platform shows `message` and a button that confirms. */
export class UpscaleConfirmationNeeded extends UserFacingError {
  override readonly name: string = 'UpscaleConfirmationNeeded';
  constructor(
    readonly tier: SizeTier,
    readonly units: number,
  ) {
    super('confirm_cost', `Upscaling to ${tier} costs ${unitsText(units)} for this image. Go ahead?`);
  }
}

/** The button's label, the same on every platform: the tier, and at 4K what one image costs. */
export function upscaleLabel(step: UpscaleStep, index?: number): string {
  const which = index === undefined ? '' : ` #${index + 1}`;
  const cost = step.tier === '4K' ? ` · ${unitsText(step.unitsPerImage)}` : '';
  return `Upscale${which} ${step.tier}${cost}`;
}

export function formatUnits(units: number): string {
  return Number.isInteger(units) ? String(units) : units.toFixed(1);
}

/** `1 unit`, `6 units`, `3.9 units`. */
export function unitsText(units: number): string {
  return `${formatUnits(units)} unit${units === 1 ? '' : 's'}`;
}

/**
 * What an Upscale sends: the picked image's prompt, seed and base (the turn's input images) at the next tier, one
 * image. A model that takes a seed and whose gateway passes it makes the same picture larger from the same seed;
 * one without (Gemini) gets the picked image itself as its base, so the larger picture is that one.
 */
export function upscaleInputFor(
  catalogue: ModelCatalogue,
  parent: TurnRecord,
  index: number,
): { readonly input: JobInput; readonly step: UpscaleStep } {
  const parameters = parent.parameters;
  if (!parameters)
    throw new UserFacingError('not_finished', 'That turn has not finished yet; try again when its image is there.');
  const picked = parent.outputImages[index];
  if (!picked) throw new UserFacingError('nothing_to_edit', 'That image is not part of this turn.');
  const step = upscaleStep(catalogue, parameters);
  if (!step) {
    throw new UserFacingError(
      'no_larger_size',
      `${parameters.model} makes nothing larger than ${parameters.tier}, so this image cannot be upscaled.`,
    );
  }
  const seed = picked.seed ?? parameters.seed;
  const reseeds = step.model.seed && dialectSupport(step.model).seed && seed !== undefined;
  const ratio =
    parameters.aspectRatio ?? (picked.width && picked.height ? `${picked.width}:${picked.height}` : undefined);
  const input: JobInput = {
    prompt: parameters.prompt,
    model: step.model.id,
    ...(ratio !== undefined ? { aspectRatio: ratio } : {}),
    size: step.tier,
    count: 1,
    ...(parameters.quality !== undefined ? { quality: parameters.quality } : {}),
    ...(parameters.negativePrompt !== undefined ? { negativePrompt: parameters.negativePrompt } : {}),
    ...(parameters.background !== undefined ? { background: parameters.background } : {}),
    ...(parameters.extend ? { extend: true } : {}),
    ...(reseeds
      ? { seed, attachments: [...parent.inputImages], ...(parameters.mask ? { mask: true } : {}) }
      : { attachments: [picked] }),
  };
  return { input, step };
}
