import type { Sharp } from 'sharp';
import type { SharpContext } from './sharp-context.js';

/** The formats the pipeline writes. */
export type EncodableType = 'image/png' | 'image/jpeg' | 'image/webp';

/** An image written by the pipeline. */
export interface EncodedImage {
  readonly bytes: Uint8Array;
  readonly mimeType: EncodableType;
  readonly width: number;
  readonly height: number;
}

/** Where an image must go: the types the receiver accepts and its byte limit. */
export interface FitTarget {
  readonly formats: readonly string[];
  readonly maxBytes: number;
  /** Try lossless PNG before any lossy format (outputs; inputs with transparency). */
  readonly losslessFirst: boolean;
}

interface Attempt {
  readonly mimeType: EncodableType;
  readonly quality?: number;
}

const lossyQualities = [90, 80, 70, 60] as const;
/** Each downscale keeps at most this share of the width (and of the height). */
const downscaleStep = 0.75;
const maxRounds = 16;
const minSide = 16;

/** True when `formats` (MIME types) include `mimeType`; `image/jpg` counts as `image/jpeg`. */
export function allowsType(formats: readonly string[], mimeType: string): boolean {
  return formats.some((format) => {
    const normalized = format.toLowerCase().trim();
    return (normalized === 'image/jpg' ? 'image/jpeg' : normalized) === mimeType;
  });
}

/**
 * The encodings to try, best first: PNG when lossless comes first (or nothing lossy is allowed), then one lossy
 * format at falling quality. WEBP is the lossy choice for transparent images (JPEG would flatten them) and when
 * JPEG is not accepted.
 */
export function planAttempts(formats: readonly string[], hasAlpha: boolean, losslessFirst: boolean): Attempt[] {
  const png = allowsType(formats, 'image/png');
  const jpeg = allowsType(formats, 'image/jpeg');
  const webp = allowsType(formats, 'image/webp');
  const lossy: EncodableType | undefined =
    hasAlpha && webp ? 'image/webp' : jpeg ? 'image/jpeg' : webp ? 'image/webp' : undefined;
  const attempts: Attempt[] = [];
  if (png && (losslessFirst || !lossy)) attempts.push({ mimeType: 'image/png' });
  if (lossy) attempts.push(...lossyQualities.map((quality) => ({ mimeType: lossy, quality })));
  return attempts;
}

function applyEncoding(image: Sharp, attempt: Attempt): Sharp {
  switch (attempt.mimeType) {
    case 'image/png':
      return image.png({ compressionLevel: 9, adaptiveFiltering: true });
    case 'image/jpeg':
      // JPEG has no alpha: transparent areas become white, as most viewers show them.
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: attempt.quality, optimiseCoding: false });
    case 'image/webp':
      return image.webp({ quality: attempt.quality, effort: 4 });
  }
}

async function encode(
  context: SharpContext,
  source: Uint8Array,
  attempt: Attempt,
  size: { width: number; height: number } | undefined,
): Promise<EncodedImage> {
  return context.run(async () => {
    let image = context.open(source);
    if (size) image = image.resize(size.width, size.height, { fit: 'fill' });
    const { data, info } = await applyEncoding(image, attempt).toBuffer({ resolveWithObject: true });
    return { bytes: data, mimeType: attempt.mimeType, width: info.width, height: info.height };
  });
}

/**
 * Re-encodes `source` until it fits `target.maxBytes`: every planned encoding at full size first, and only if none
 * fits, smaller sizes (steps of at most 0.75, sized from how far the smallest attempt missed). Undefined when
 * nothing fits even at a few pixels.
 */
export async function encodeToFit(
  context: SharpContext,
  source: { bytes: Uint8Array; width: number; height: number; hasAlpha: boolean },
  target: FitTarget,
): Promise<EncodedImage | undefined> {
  const attempts = planAttempts(target.formats, source.hasAlpha, target.losslessFirst);
  if (attempts.length === 0) {
    throw new Error(`No encodable format among ${target.formats.join(', ')}: the pipeline writes PNG, JPEG and WEBP.`);
  }
  let scale = 1;
  for (let round = 0; round < maxRounds; round += 1) {
    const size =
      scale === 1
        ? undefined
        : {
            width: Math.max(1, Math.round(source.width * scale)),
            height: Math.max(1, Math.round(source.height * scale)),
          };
    let smallest: EncodedImage | undefined;
    for (const attempt of attempts) {
      const encoded = await encode(context, source.bytes, attempt, size);
      if (encoded.bytes.byteLength <= target.maxBytes) return encoded;
      if (!smallest || encoded.bytes.byteLength < smallest.bytes.byteLength) smallest = encoded;
    }
    if (!smallest || Math.max(smallest.width, smallest.height) <= minSide) return undefined;
    // Bytes grow roughly with the pixel count, so the side shrinks with the square root of the overshoot.
    scale *= Math.min(downscaleStep, Math.sqrt(target.maxBytes / smallest.bytes.byteLength) * 0.95);
  }
  return undefined;
}
