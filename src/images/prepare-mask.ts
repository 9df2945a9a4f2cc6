import sharp from 'sharp';
import { corruptImageError, formatBytes, imageSubject, notAnImageError } from '../core/image-sentences.js';
import type { InputImage } from '../core/imagine-request.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { sniffImageType } from './image-type.js';
import type { SharpContext } from './sharp-context.js';

/** What an inpainting mask must become: the size of the image it applies to, a PNG under the model's limit. */
export interface MaskTarget {
  readonly width: number;
  readonly height: number;
  readonly maxBytes: number;
}

/**
 * Makes a member's mask usable for GPT Image edits: a PNG with an alpha channel (its transparent pixels mark what
 * to change) of exactly the base image's size, under the byte limit. A mask without transparency cannot mean
 * anything, so it is refused with a sentence rather than sent.
 */
export async function prepareMask(
  context: SharpContext,
  mask: { readonly bytes: Uint8Array; readonly name?: string },
  target: MaskTarget,
): Promise<InputImage> {
  const subject = imageSubject(mask.name, 'The mask');
  const type = sniffImageType(mask.bytes);
  if (!type) throw notAnImageError(mask.name ?? 'The mask');
  const metadata = await context
    .run(() => sharp(mask.bytes, { failOn: 'error', limitInputPixels: context.maxPixels }).metadata())
    .catch((error: unknown) => {
      throw corruptImageError(subject, type.extension.toUpperCase(), error);
    });
  if (!metadata.hasAlpha) {
    throw new UserFacingError(
      'mask_without_alpha',
      `${subject} has no transparent areas: a mask is a PNG whose transparent pixels mark where the image should change.`,
    );
  }
  for (const palette of [false, true]) {
    const bytes = await context.run(() =>
      context
        .open(mask.bytes)
        .resize(target.width, target.height, { fit: 'fill' })
        .ensureAlpha()
        .png({ compressionLevel: 9, palette })
        .toBuffer(),
    );
    if (bytes.byteLength <= target.maxBytes)
      return { bytes, mimeType: 'image/png', ...(mask.name ? { name: mask.name } : {}) };
  }
  throw new UserFacingError(
    'mask_too_large',
    `${subject} could not be made smaller than ${formatBytes(target.maxBytes)}; use a simpler mask (flat colours, hard edges).`,
  );
}
