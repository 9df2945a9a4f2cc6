import { captionRuleColour } from './offline-caption.js';

/** Per-channel distance from the rule's colour still counted as the rule (a re-encoded JPEG smears it a little). */
const tolerance = 40;
/** Share of a row's pixels that must be the rule's colour. */
const coverage = 0.97;

export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/**
 * The first row of an offline preview's caption band (its full-width yellow rule), searched in the lower half, or
 * undefined for any other image. An edit of a preview crops the band off first, so the new caption replaces the old
 * one instead of being drawn over it.
 */
export function captionBandTop(image: RawImage): number | undefined {
  const lowest = Math.floor(image.height / 2);
  let row = image.height - 1;
  while (row >= lowest && !isRuleRow(image, row)) row--;
  if (row < lowest) return undefined;
  while (row - 1 >= lowest && isRuleRow(image, row - 1)) row--;
  return row;
}

function isRuleRow(image: RawImage, row: number): boolean {
  const { data, width, channels } = image;
  const allowedMisses = Math.floor(width * (1 - coverage));
  let misses = 0;
  for (let column = 0; column < width; column++) {
    const offset = (row * width + column) * channels;
    const near =
      Math.abs((data[offset] ?? 0) - captionRuleColour.red) <= tolerance &&
      Math.abs((data[offset + 1] ?? 0) - captionRuleColour.green) <= tolerance &&
      Math.abs((data[offset + 2] ?? 0) - captionRuleColour.blue) <= tolerance;
    if (!near && ++misses > allowedMisses) return false;
  }
  return true;
}
