import type { ModelCatalogue } from '../models/model-catalogue.js';
import type { ModelSpec } from '../models/model-spec.js';
import { UserFacingError } from '../user-facing-error.js';

/** How many images one Blend takes: at least two to fuse, at most the four a member can pick on every platform. */
export const blendImageCount = { min: 2, max: 4 } as const;

/** The prompt of a Blend without one. */
export const blendPrompt = 'blend these images into one picture';

/** A model that fuses several input images into one result (the catalogue's `multiImageFusion`). */
export function canBlend(model: ModelSpec): boolean {
  return model.multiImageFusion && model.maxInputImages >= blendImageCount.min;
}

/** The models a Blend may use, for a model picker and for the refusal's sentence. */
export function blendModels(catalogue: ModelCatalogue): ModelSpec[] {
  return catalogue.list().filter(canBlend);
}

/**
 * Refuses a Blend that cannot run, with a sentence that says why: not 2–4 images, a model that does not fuse images
 * (its edit sibling counts, as for any request with images), or one that takes fewer images than were given.
 */
export function checkBlend(catalogue: ModelCatalogue, modelName: string, images: number): void {
  if (images < blendImageCount.min || images > blendImageCount.max) {
    throw new UserFacingError(
      'bad_blend',
      `Blend takes ${blendImageCount.min} to ${blendImageCount.max} images; ${images} ${images === 1 ? 'was' : 'were'} given.`,
    );
  }
  const named = catalogue.resolve(modelName);
  const sibling = named.maxInputImages === 0 && named.editSibling ? catalogue.find(named.editSibling) : undefined;
  const model = sibling ?? named;
  if (!canBlend(model)) {
    throw new UserFacingError(
      'model_cannot_blend',
      `${named.id} cannot blend images. Models that can: ${blendModels(catalogue)
        .map((candidate) => candidate.id)
        .join(', ')}.`,
    );
  }
  if (images > model.maxInputImages) {
    throw new UserFacingError(
      'too_many_images',
      `${model.id} blends at most ${model.maxInputImages} images; ${images} were given.`,
    );
  }
}
