import type { ImagineRequest, InputImage, RequestNotice } from './imagine-request.js';
import { dialectSupport } from './models/dialect-support.js';
import type { ModelCatalogue } from './models/model-catalogue.js';
import type { ModelSpec } from './models/model-spec.js';
import { UserFacingError } from './user-facing-error.js';

/** The options only some families take: GPT Image's background and mask, Qwen's prompt extension. */
export interface ExtraOptions {
  readonly background?: string;
  readonly promptExtend?: boolean;
  readonly mask?: InputImage;
}

/** With `mask`, the last input image is the mask: it is not a reference and does not count as one. */
export function splitMask(input: ImagineRequest): { images: readonly InputImage[]; mask?: InputImage } {
  const images = input.inputImages ?? [];
  if (!input.mask) return { images };
  const mask = images.at(-1);
  if (!mask || images.length < 2) {
    throw new UserFacingError(
      'mask_without_image',
      'A mask needs an image to edit: attach the image and then the mask, or reply to a result with the mask attached.',
    );
  }
  return { images: images.slice(0, -1), mask };
}

export function validateExtras(
  input: ImagineRequest,
  model: ModelSpec,
  mask: InputImage | undefined,
  context: { readonly catalogue: ModelCatalogue; readonly notices: RequestNotice[] },
): ExtraOptions {
  const { notices } = context;
  let background: string | undefined;
  if (input.background !== undefined) {
    const wanted = input.background.trim().toLowerCase();
    if (model.backgrounds.length === 0) {
      notices.push({
        code: 'background_ignored',
        message: `${model.id} has no background setting, so --background has no effect.`,
      });
    } else if (!(model.backgrounds as readonly string[]).includes(wanted)) {
      throw new UserFacingError('bad_background', `${model.id} takes --background ${model.backgrounds.join(', ')}.`);
    } else background = wanted;
  }
  let promptExtend: boolean | undefined;
  if (input.extend === true) {
    if (model.promptExtend) promptExtend = true;
    else
      notices.push({
        code: 'extend_ignored',
        message: `${model.id} does not rewrite prompts, so --extend has no effect.`,
      });
  }
  if (mask) checkMask(model, context.catalogue);
  return {
    ...(background !== undefined ? { background } : {}),
    ...(promptExtend ? { promptExtend } : {}),
    ...(mask ? { mask } : {}),
  };
}

function checkMask(model: ModelSpec, catalogue: ModelCatalogue): void {
  if (!model.mask) {
    const able = catalogue
      .list()
      .filter((candidate) => candidate.mask && dialectSupport(candidate).mask)
      .map((candidate) => candidate.id);
    throw new UserFacingError(
      'mask_unsupported',
      `${model.id} cannot use an inpainting mask${able.length > 0 ? `; models that can: ${able.join(', ')}` : ''}. Send the edit without the mask.`,
    );
  }
  if (!dialectSupport(model).mask) {
    throw new UserFacingError(
      'mask_unsupported',
      `${model.id} takes a mask, but this image gateway has no edits endpoint to send it to; send the edit without the mask.`,
    );
  }
}
