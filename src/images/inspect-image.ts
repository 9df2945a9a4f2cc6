import sharp from 'sharp';
import {
  corruptImageError,
  notAnImageError,
  tooManyPixelsError,
  unsupportedImageError,
} from '../core/image-sentences.js';
import { sniffImageType } from './image-type.js';
import type { SharpContext } from './sharp-context.js';

/** What the pipeline knows about an image after checking it. */
export interface ImageInfo {
  /** Sniffed from the magic bytes. */
  readonly mimeType: string;
  /** Width and height as displayed, after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  readonly hasAlpha: boolean;
}

/** Formats that sharp's prebuilt libvips recognises but may not decode (HEVC-coded HEIC). */
const mayBeUndecodable = new Set(['image/heic']);

/**
 * Checks that `bytes` are an image that can be decoded safely: a known format by its magic bytes, within the
 * pixel limit (read from the header, before any pixel is decoded), and complete (decoded once, shrunk).
 */
export async function inspectImage(context: SharpContext, bytes: Uint8Array, name?: string): Promise<ImageInfo> {
  const type = sniffImageType(bytes);
  if (!type) throw notAnImageError(name);
  const format = type.extension.toUpperCase();
  const unreadable = (cause: unknown) =>
    mayBeUndecodable.has(type.mimeType)
      ? unsupportedImageError(name, format, cause)
      : corruptImageError(name, format, cause);

  // The header alone, without the pixel limit, so that a bomb is reported with its real size.
  const metadata = await context
    .run(() => sharp(bytes, { failOn: 'error', limitInputPixels: false }).metadata())
    .catch((error: unknown) => {
      throw unreadable(error);
    });
  const { width, height } = metadata.autoOrient;
  if (width * height > context.maxPixels) throw tooManyPixelsError(name, { width, height }, context.maxPixels);

  // A full decode (shrunk on the way) is the only way to find truncated or damaged pixel data.
  await context
    .run(() => context.open(bytes).resize(64, 64, { fit: 'inside' }).raw().toBuffer())
    .catch((error: unknown) => {
      throw unreadable(error);
    });
  return { mimeType: type.mimeType, width, height, hasAlpha: metadata.hasAlpha };
}
