import type { GenerationRequest, InputImage } from '../core/imagine-request.js';
import { readImageSize } from '../images/image-size.js';
import { toDataUrl } from './data-url.js';

/** What the client needs from the image pipeline to send images: fitting inputs and masks to a model's limits. */
export interface InputPreparer {
  prepareInput(
    image: { bytes: Uint8Array; name?: string },
    target: { formats: readonly string[]; maxBytes: number },
  ): Promise<InputImage>;
  prepareMask(
    mask: { bytes: Uint8Array; name?: string },
    target: { width: number; height: number; maxBytes: number },
  ): Promise<InputImage>;
}

/** OpenAI's limit on an edit's mask. */
const maxMaskBytes = 4_000_000;

/**
 * The request's images as data URLs, fitted to the model: each within `maxInputBytes`, all together within
 * `maxRequestInputBytes` (refitted to an even share when they pass it), and the mask sized to the first image.
 */
export async function prepareRequestInputs(
  pipeline: InputPreparer,
  request: GenerationRequest,
): Promise<{ imageUrls: string[]; maskUrl?: string }> {
  const { model } = request;
  const fitAll = (maxBytes: number) =>
    Promise.all(
      request.inputImages.map((image) => pipeline.prepareInput(image, { formats: model.inputFormats, maxBytes })),
    );
  let prepared = await fitAll(model.maxInputBytes);
  const total = prepared.reduce((sum, image) => sum + image.bytes.length, 0);
  if (total > model.maxRequestInputBytes) {
    prepared = await fitAll(Math.floor(model.maxRequestInputBytes / prepared.length));
  }
  const imageUrls = prepared.map(toDataUrl);
  const base = prepared[0];
  if (!request.mask || !base) return { imageUrls };
  // The mask applies to the first image and must have its exact size, after any downscale of that image.
  const size = readImageSize(base.bytes);
  if (!size) throw new Error(`cannot read the size of the prepared ${base.mimeType} the mask applies to`);
  const mask = await pipeline.prepareMask(request.mask, { ...size, maxBytes: maxMaskBytes });
  return { imageUrls, maskUrl: toDataUrl(mask) };
}
