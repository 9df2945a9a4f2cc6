import { z } from 'zod';

/**
 * The bounds every catalogue entry must keep, built-in or from `IMAGE_MODELS_FILE`: a typo there (`maxCount: 1e9`)
 * must stop start-up with a sentence, never turn `--n 1000` into a thousand billed generations.
 */
export const catalogueBounds = {
  /** Images one request may ask for. */
  maxCount: 10,
  /** Images one upstream call may return. */
  maxOutputsPerCall: 10,
  /** Input images one request may carry (GPT Image takes 16). */
  maxInputImages: 16,
  /** Pixels per side of any size the catalogue names. */
  maxSide: 8192,
  /** Any byte limit: per input image, per request, per output image. */
  maxBytes: 50_000_000,
  maxPromptChars: 100_000,
} as const;

export const boundedCount = (max: number, what: string) =>
  z
    .number()
    .int(`must be a whole number (${what})`)
    .min(1, `must be at least 1 (${what})`)
    .max(max, `must be at most ${max} (${what})`);

export const byteLimit = (what: string) =>
  z
    .number()
    .int(`must be a whole number of bytes (${what})`)
    .positive(`must be more than 0 bytes (${what})`)
    .max(catalogueBounds.maxBytes, `must be at most ${catalogueBounds.maxBytes} bytes, 50 MB (${what})`);

/** `WxH` or `W*H` with both sides within the catalogue's bound. */
export const wireSize = z.string().refine(
  (value) => {
    const match = /^(\d+)[x*](\d+)$/.exec(value);
    return (
      match !== null &&
      [match[1], match[2]].every((side) => Number(side) >= 1 && Number(side) <= catalogueBounds.maxSide)
    );
  },
  { error: `must be WxH (or W*H) with each side from 1 to ${catalogueBounds.maxSide} pixels` },
);

/** Width × height of a `WxH` / `W*H` size the schema accepted. */
export function sidesOf(size: string): { width: number; height: number } {
  const [width, height] = size.split(/[x*]/).map(Number);
  return { width: width ?? 0, height: height ?? 0 };
}
