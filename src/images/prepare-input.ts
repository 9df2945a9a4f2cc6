import { formatBytes, imageSubject, tooLargeError } from '../core/image-sentences.js';
import type { InputImage } from '../core/imagine-request.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { allowsType, encodeToFit } from './encode-to-fit.js';
import { inspectImage } from './inspect-image.js';
import type { SharpContext } from './sharp-context.js';

/** What a model accepts as an input image: MIME types and bytes per image (`ModelSpec.inputFormats`, `maxInputBytes`). */
export interface InputTarget {
  readonly formats: readonly string[];
  readonly maxBytes: number;
}

/**
 * Makes an attachment acceptable to a model. An image already in an accepted format and within the byte limit
 * is returned byte for byte; anything else is re-encoded (PNG for transparency when it fits, else JPEG — WEBP
 * for transparency or when JPEG is not accepted — at falling quality) and downscaled only when re-encoding alone
 * does not fit. Animated images keep their first frame.
 */
export async function prepareInput(
  context: SharpContext,
  image: { readonly bytes: Uint8Array; readonly name?: string },
  target: InputTarget,
): Promise<InputImage> {
  const { bytes, name } = image;
  if (bytes.byteLength > context.maxInputBytes) throw tooLargeError(name, bytes.byteLength, context.maxInputBytes);
  const info = await inspectImage(context, bytes, name);
  const named = name === undefined ? {} : { name };
  if (allowsType(target.formats, info.mimeType) && bytes.byteLength <= target.maxBytes) {
    return { bytes, mimeType: info.mimeType, ...named };
  }
  const encoded = await encodeToFit(context, { bytes, ...info }, { ...target, losslessFirst: info.hasAlpha });
  if (!encoded) {
    throw new UserFacingError(
      'image_too_large',
      `${imageSubject(name)} could not be made smaller than ${formatBytes(target.maxBytes)} for this model.`,
    );
  }
  return { bytes: encoded.bytes, mimeType: encoded.mimeType, ...named };
}
