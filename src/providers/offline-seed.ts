import { createHash } from 'node:crypto';

/** Largest seed the image API takes (Seedream: 0..2147483647). */
const maxSeed = 2_147_483_647;

/** A seed derived from the prompt alone, for requests that carry none: the same prompt draws the same picture. */
export function promptSeed(prompt: string): number {
  return createHash('sha256').update(prompt, 'utf8').digest().readUInt32BE(0) % (maxSeed + 1);
}

/** A pseudo-random source in [0, 1) fixed by prompt and seed: everything an offline image looks like. */
export type Random = () => number;

/** sha256(prompt, seed) seeds a mulberry32 generator: same input, same sequence, on every machine. */
export function createRandom(prompt: string, seed: number): Random {
  const digest = createHash('sha256').update(`${prompt}\u0000${seed}`, 'utf8').digest();
  let state = digest.readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A number in [min, max) from `random`. */
export function between(random: Random, min: number, max: number): number {
  return min + random() * (max - min);
}

/** `#rrggbb` of a colour given as hue (degrees), saturation and lightness (0..1). */
export function hslToHex(hue: number, saturation: number, lightness: number): string {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const channel = (offset: number) => {
    const k = (offset + hue / 30) % 12;
    const value = lightness - (chroma / 2) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(Math.min(1, Math.max(0, value)) * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** Five related colours: two for the sky gradient, one glow, two for the layered ground. */
export interface Palette {
  readonly skyTop: string;
  readonly skyBottom: string;
  readonly glow: string;
  readonly far: string;
  readonly near: string;
  /** The base hue, for accents. */
  readonly hue: number;
}

/** A harmonious palette (analogous sky, complementary-ish ground) picked by `random`. */
export function pickPalette(random: Random): Palette {
  const hue = between(random, 0, 360);
  const shift = between(random, 25, 70) * (random() < 0.5 ? -1 : 1);
  const ground = (hue + 180 + between(random, -40, 40)) % 360;
  return {
    hue,
    skyTop: hslToHex(hue, between(random, 0.45, 0.8), between(random, 0.18, 0.35)),
    skyBottom: hslToHex((hue + shift + 360) % 360, between(random, 0.55, 0.9), between(random, 0.55, 0.72)),
    glow: hslToHex((hue + shift * 1.5 + 360) % 360, 0.9, between(random, 0.7, 0.85)),
    far: hslToHex(ground, between(random, 0.3, 0.6), between(random, 0.35, 0.5)),
    near: hslToHex((ground + 20) % 360, between(random, 0.35, 0.65), between(random, 0.12, 0.25)),
  };
}
