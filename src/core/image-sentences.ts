import { UserFacingError } from './user-facing-error.js';

const MiB = 1024 * 1024;
const MB = 1_000_000;

/**
 * A size for people: `40 MB`, `6.5 MB`, `850 KB`. Limits are configured as round numbers in either convention
 * (25 MiB here, 7 000 000 bytes in the model catalogue), so whichever convention gives the round number is used.
 */
export function formatBytes(bytes: number): string {
  const unit = bytes % MB === 0 && bytes % MiB !== 0 ? MB : MiB;
  const kilo = unit === MB ? 1000 : 1024;
  if (bytes < unit) return `${Math.max(1, Math.round(bytes / kilo))} KB`;
  const value = bytes / unit;
  return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)} MB`;
}

/** `in.png` or `That image`: the subject of a message about one image. */
export function imageSubject(name: string | undefined, fallback = 'That image'): string {
  return name?.trim() ? name.trim() : fallback;
}

export function notAnImageError(name: string | undefined): UserFacingError {
  return new UserFacingError(
    'not_an_image',
    `${imageSubject(name, 'That file')} is not an image I can read; send a PNG, JPEG, WEBP or GIF.`,
  );
}

export function tooLargeError(name: string | undefined, bytes: number, limit: number): UserFacingError {
  return new UserFacingError(
    'image_too_large',
    `${imageSubject(name)} is ${formatBytes(bytes)}; images up to ${formatBytes(limit)} are accepted.`,
  );
}

export function tooManyPixelsError(
  name: string | undefined,
  size: { width: number; height: number },
  maxPixels: number,
): UserFacingError {
  const megapixels = Number((maxPixels / 1_000_000).toPrecision(3));
  return new UserFacingError(
    'image_too_many_pixels',
    `${imageSubject(name)} is ${size.width}×${size.height} pixels; the limit is ${megapixels} megapixels.`,
  );
}

export function corruptImageError(name: string | undefined, format: string, cause: unknown): UserFacingError {
  return new UserFacingError(
    'image_corrupt',
    `${imageSubject(name)} could not be read: the ${format} data is damaged or incomplete. Try exporting it again.`,
    { cause },
  );
}

export function unsupportedImageError(name: string | undefined, format: string, cause: unknown): UserFacingError {
  return new UserFacingError(
    'unsupported_image',
    `${imageSubject(name)} is a ${format} image, which I can't read; send it as PNG or JPEG.`,
    { cause },
  );
}

/**
 * What a member is told when an image was re-encoded to fit the platform's upload cap (a large Upscale, a 4K PNG):
 * what they see is a smaller copy, and the original stays stored at full size.
 */
export function fittedForUploadNotice(count: number, maxBytes: number): string {
  const which = count === 1 ? 'This image was' : `${count} images were`;
  return `${which} re-encoded to fit the ${formatBytes(maxBytes)} upload limit here; the full-size original is kept.`;
}
