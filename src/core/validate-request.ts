import type { GenerationRequest, ImagineRequest, RequestNotice, ValidatedRequest } from './imagine-request.js';
import { dialectSupport } from './models/dialect-support.js';
import type { ModelCatalogue } from './models/model-catalogue.js';
import type { ModelSpec } from './models/model-spec.js';
import { chooseSize } from './size-mapping.js';
import { UserFacingError } from './user-facing-error.js';
import { splitMask, validateExtras } from './validate-extras.js';

export const maxSeed = 2_147_483_647;

export interface ValidationContext {
  readonly catalogue: ModelCatalogue;
  readonly defaultModel: string;
  /** Picks the seed for models that take one when the member gave none (so the result is reproducible). */
  readonly randomSeed: () => number;
}

/**
 * Validates a member's request against the model catalogue and maps it to the model family's parameters.
 * Errors name the allowed values; what the model silently cannot honour comes back as a notice.
 */
export function validateRequest(input: ImagineRequest, context: ValidationContext): ValidatedRequest {
  const notices: RequestNotice[] = [];
  const { images: inputImages, mask } = splitMask(input);
  const model = chooseModel(context.catalogue, input.model ?? context.defaultModel, inputImages.length, notices);

  const prompt = input.prompt.trim();
  if (prompt === '') {
    throw new UserFacingError(
      'empty_prompt',
      inputImages.length > 0
        ? 'Say what to change, e.g. "make it night time".'
        : 'The prompt is empty: describe the image, e.g. "a lighthouse at dusk --ar 16:9".',
    );
  }
  if (prompt.length > model.maxPromptChars) {
    throw new UserFacingError(
      'prompt_too_long',
      `The prompt is ${prompt.length.toLocaleString('en')} characters; ${model.id} takes at most ${model.maxPromptChars.toLocaleString('en')}.`,
    );
  }

  const count = input.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > model.maxCount) {
    throw new UserFacingError('bad_count', `--n takes 1 to ${model.maxCount} on ${model.id}, not ${count}.`);
  }

  // A stock new-api gateway drops some fields: the option then has no effect, and no seed is shown.
  const support = dialectSupport(model);
  const takesSeed = model.seed && support.seed;
  let seed: number | undefined;
  if (input.seed !== undefined) {
    if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > maxSeed) {
      throw new UserFacingError('bad_seed', `--seed takes a whole number from 0 to ${maxSeed}, not ${input.seed}.`);
    }
    if (takesSeed) seed = input.seed;
    else if (model.seed) notices.push({ code: 'seed_ignored', message: droppedByGateway(model.id, '--seed', 'seed') });
    else notices.push({ code: 'seed_ignored', message: `${model.id} does not take a seed, so --seed has no effect.` });
  } else if (takesSeed) {
    seed = context.randomSeed() % (maxSeed + 1);
  }

  let negativePrompt: string | undefined;
  if (input.negativePrompt !== undefined && input.negativePrompt.trim() !== '') {
    if (model.negativePrompt && support.negativePrompt) negativePrompt = input.negativePrompt.trim();
    else if (model.negativePrompt)
      notices.push({
        code: 'negative_ignored',
        message: `${droppedByGateway(model.id, '--no', 'negative prompt')} Say what to avoid in the prompt instead.`,
      });
    else
      notices.push({
        code: 'negative_ignored',
        message: `${model.id} has no negative prompt, so --no has no effect; say what to avoid in the prompt instead.`,
      });
  }

  let quality: string | undefined;
  if (input.quality !== undefined) {
    const wanted = input.quality.trim().toLowerCase();
    if (model.qualities.length === 0) {
      notices.push({
        code: 'quality_ignored',
        message: `${model.id} has no quality setting, so --quality has no effect.`,
      });
    } else if (!model.qualities.includes(wanted)) {
      throw new UserFacingError('bad_quality', `${model.id} takes --quality ${model.qualities.join(', ')}.`);
    } else quality = wanted;
  }

  const extras = validateExtras(input, model, mask, { catalogue: context.catalogue, notices });
  const size = chooseSize(model, input.aspectRatio, input.size);
  for (const message of size.notices) notices.push({ code: 'size_adjusted', message });

  const request: GenerationRequest = {
    model,
    prompt,
    count,
    ...(seed !== undefined ? { seed } : {}),
    ...(negativePrompt !== undefined ? { negativePrompt } : {}),
    ...(quality !== undefined ? { quality } : {}),
    ...(size.aspectRatio !== undefined ? { aspectRatio: size.aspectRatio } : {}),
    ...(size.size !== undefined ? { size: size.size } : {}),
    ...(size.imageSize !== undefined ? { imageSize: size.imageSize } : {}),
    tier: size.tier,
    inputImages,
    ...extras,
  };
  return { request, notices };
}

function droppedByGateway(model: string, flag: string, field: string): string {
  return `${model} takes a ${field}, but this image gateway (stock new-api) drops it, so ${flag} has no effect there.`;
}

function chooseModel(catalogue: ModelCatalogue, name: string, inputCount: number, notices: RequestNotice[]): ModelSpec {
  let model = catalogue.resolve(name);
  if (inputCount > 0 && model.maxInputImages === 0) {
    const sibling = model.editSibling ? catalogue.find(model.editSibling) : undefined;
    if (!sibling) {
      const able = catalogue
        .list()
        .filter((candidate) => candidate.maxInputImages > 0)
        .map((candidate) => candidate.id);
      throw new UserFacingError(
        'model_takes_no_images',
        `${model.id} cannot take images. Models that can: ${able.join(', ')}.`,
      );
    }
    notices.push({
      code: 'edit_sibling',
      message: `${model.id} cannot take images, so this edit uses ${sibling.id}.`,
    });
    model = sibling;
  }
  if (inputCount === 0 && !model.textToImage) {
    const textModels = catalogue
      .list()
      .filter((candidate) => candidate.textToImage)
      .map((candidate) => candidate.id);
    throw new UserFacingError(
      'model_needs_image',
      `${model.id} edits images: attach one, or pick a text-to-image model (${textModels.slice(0, 4).join(', ')}).`,
    );
  }
  if (inputCount > model.maxInputImages) {
    throw new UserFacingError(
      'too_many_images',
      `${model.id} takes at most ${model.maxInputImages} image${model.maxInputImages === 1 ? '' : 's'}; ${inputCount} were given.`,
    );
  }
  return model;
}
