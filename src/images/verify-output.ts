import sharp from 'sharp';
import { sniffImageType } from './image-type.js';
import type { SharpContext } from './sharp-context.js';

/** The most a generated image may be (a model's limits from the catalogue, with their margin). */
export interface OutputCheck {
  readonly maxSide: number;
  readonly maxPixels: number;
  readonly maxBytes: number;
}

export interface VerifiedOutput {
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
}

/** Formats a generated image may come in: what the platforms show. */
const outputTypes = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** Why a generated image was refused; the provider turns it into an `invalid_response` failure. */
export class OutputRejectedError extends Error {
  override readonly name = 'OutputRejectedError';
}

/**
 * Checks a generated image once, before it is stored: a format the platforms show, within the byte limit, a header
 * within the model's size limits (read before any pixel is decoded, so a bomb costs nothing), and pixel data that
 * decodes to the end (a truncated or damaged image is refused here, not at every delivery).
 */
export async function verifyOutput(
  context: SharpContext,
  bytes: Uint8Array,
  check: OutputCheck,
): Promise<VerifiedOutput> {
  const type = sniffImageType(bytes);
  if (!type || !outputTypes.has(type.mimeType)) {
    throw new OutputRejectedError(
      `result is not a PNG, JPEG, WEBP or GIF image (${type?.mimeType ?? 'unknown bytes'})`,
    );
  }
  if (bytes.byteLength > check.maxBytes) {
    throw new OutputRejectedError(`result is ${bytes.byteLength} bytes, over the model's ${check.maxBytes}-byte cap`);
  }
  const metadata = await context
    .run(() => sharp(bytes, { failOn: 'error', limitInputPixels: false }).metadata())
    .catch((error: unknown) => {
      throw new OutputRejectedError(`result header is unreadable (${describe(error)})`, { cause: error });
    });
  const { width, height } = metadata.autoOrient;
  const maxPixels = Math.min(check.maxPixels, context.maxPixels);
  if (!(width > 0 && height > 0) || Math.max(width, height) > check.maxSide || width * height > maxPixels) {
    throw new OutputRejectedError(
      `result claims ${width}×${height} pixels, past the model's limits (${check.maxSide} per side, ${maxPixels} pixels)`,
    );
  }
  // Only a full decode (shrunk on the way) finds truncated or damaged pixel data.
  await context
    .run(() => context.open(bytes).resize(64, 64, { fit: 'inside' }).raw().toBuffer())
    .catch((error: unknown) => {
      throw new OutputRejectedError(`result does not decode (${describe(error)})`, { cause: error });
    });
  return { mimeType: type.mimeType, width, height };
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200) ?? '';
}
