import type { ModelSpec, SizeTier, Sizing } from './models/model-spec.js';
import { UserFacingError } from './user-facing-error.js';

export interface Ratio {
  readonly width: number;
  readonly height: number;
  /** Reduced form, `16:9`. */
  readonly label: string;
}

export interface SizeChoice {
  /** Wire `size`; undefined when the model sizes from its input. */
  readonly size?: string;
  readonly aspectRatio?: string;
  readonly imageSize?: SizeTier;
  readonly tier: SizeTier;
  readonly notices: readonly string[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function parseRatio(value: string): Ratio {
  const match = /^\s*(\d+(?:\.\d+)?)\s*[:/]\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || !(width > 0) || !(height > 0) || width / height > 16 || height / width > 16) {
    throw new UserFacingError('bad_aspect', `\`--ar ${value}\` is not an aspect ratio; use width:height, e.g. 16:9.`);
  }
  if (Number.isInteger(width) && Number.isInteger(height)) {
    const divisor = gcd(width, height);
    return { width, height, label: `${width / divisor}:${height / divisor}` };
  }
  return { width, height, label: `${width}:${height}` };
}

export function parseExactSize(value: string): { width: number; height: number } | undefined {
  const match = /^\s*(\d+)\s*[x×*]\s*(\d+)\s*$/i.exec(value);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

export function parseTier(value: string): SizeTier | undefined {
  const upper = value.trim().toUpperCase();
  return upper === '1K' || upper === '2K' || upper === '4K' ? upper : undefined;
}

const logDistance = (a: number, b: number) => Math.abs(Math.log(a) - Math.log(b));
const ratioOf = (size: { width: number; height: number }) => size.width / size.height;
const sameRatio = (a: number, b: number) => logDistance(a, b) < 0.01;

/** Whether exact pixels have an aspect ratio's shape (as `--ar` and `--size` together must). */
export function hasRatio(size: { width: number; height: number }, aspectRatio: string): boolean {
  const ratio = parseRatio(aspectRatio);
  return sameRatio(ratioOf(size), ratio.width / ratio.height);
}

/**
 * The entry of a model's list whose ratio is the member's, however either is written: `--ar 21:9` is the listed
 * `21:9` though it reduces to 7:3, and `--ar 4:3` is Qwen's listed `1472*1140`, which is 4:3 only roughly.
 */
function listedFor<T>(entries: readonly T[], ratioOf: (entry: T) => string, ratio: Ratio): T | undefined {
  return entries.find((entry) => parseRatio(ratioOf(entry)).label === ratio.label);
}

function listWords(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/**
 * Maps a member's `--ar` (shape) and `--size` (resolution) to the model family's own size rules.
 * What the model cannot honour exactly is returned as a notice, never hidden.
 */
export function chooseSize(model: ModelSpec, aspectRatio?: string, size?: string): SizeChoice {
  const ratio = aspectRatio === undefined ? undefined : parseRatio(aspectRatio);
  const tier = size === undefined ? undefined : parseTier(size);
  const exact = size === undefined || tier ? undefined : parseExactSize(size);
  if (size !== undefined && !tier && !exact) {
    throw new UserFacingError(
      'bad_size',
      `\`--size ${size}\` is not a size; use 1K, 2K, 4K or an exact size like 1024x1024.`,
    );
  }
  if (ratio && exact && !sameRatio(ratio.width / ratio.height, ratioOf(exact))) {
    throw new UserFacingError(
      'size_ratio_conflict',
      `\`--ar ${aspectRatio}\` and \`--size ${size}\` disagree: give the shape with --ar and the resolution (1K, 2K, 4K) with --size.`,
    );
  }
  const sizing = model.sizing;
  switch (sizing.kind) {
    case 'ratio':
      return chooseRatioSize(model, sizing, ratio, tier, exact);
    case 'fixed':
      return chooseFixedSize(model, sizing, ratio, tier, exact);
    case 'free':
      return chooseFreeSize(model, sizing, ratio, tier, exact);
    case 'input': {
      const notices =
        aspectRatio !== undefined || size !== undefined
          ? [`${model.id} keeps the shape and size of the input image, so --ar/--size have no effect.`]
          : [];
      return { size: sizing.wireSize, tier: '1K', notices };
    }
  }
}

type Exact = { width: number; height: number } | undefined;

function chooseRatioSize(
  model: ModelSpec,
  sizing: Extract<Sizing, { kind: 'ratio' }>,
  ratio: Ratio | undefined,
  tier: SizeTier | undefined,
  exact: Exact,
): SizeChoice {
  if (exact) {
    throw new UserFacingError(
      'bad_size',
      `${model.id} takes --size ${listWords(sizing.tiers)} (set the shape with --ar), not an exact size.`,
    );
  }
  if (tier && !sizing.tiers.includes(tier)) {
    const only = sizing.tiers.length === 1 ? `only ${sizing.tiers[0]} images` : `${listWords(sizing.tiers)} images`;
    throw new UserFacingError('bad_size', `${model.id} makes ${only}; ${tier} is not available on this model.`);
  }
  // The wire takes the ratio as the model lists it (`21:9`), not reduced (`7:3`).
  const listed = ratio ? listedFor(sizing.ratios, (entry) => entry, ratio) : '1:1';
  if (listed === undefined) {
    throw new UserFacingError('bad_aspect', `${model.id} takes aspect ratios ${listWords(sizing.ratios)}.`);
  }
  const chosenTier = tier ?? (sizing.tiers[0] as SizeTier);
  return {
    size: listed,
    aspectRatio: listed,
    ...(sizing.sendTier ? { imageSize: chosenTier } : {}),
    tier: chosenTier,
    notices: [],
  };
}

function chooseFixedSize(
  model: ModelSpec,
  sizing: Extract<Sizing, { kind: 'fixed' }>,
  ratio: Ratio | undefined,
  tier: SizeTier | undefined,
  exact: Exact,
): SizeChoice {
  const choices = sizing.sizes.map((choice) => ({
    ...choice,
    ...(parseExactSize(choice.size) ?? { width: 1, height: 1 }),
  }));
  const allowed = `${model.id} takes ${listWords(sizing.sizes.map((choice) => choice.size))}`;
  if (tier && tier !== '1K') throw new UserFacingError('bad_size', `${allowed} (about 1K); ${tier} is not available.`);
  if (exact) {
    const match = choices.find((choice) => choice.width === exact.width && choice.height === exact.height);
    if (!match) throw new UserFacingError('bad_size', `${allowed}.`);
    return { size: match.size, aspectRatio: match.ratio, tier: '1K', notices: [] };
  }
  if (!ratio) {
    const first = choices[0] as (typeof choices)[number];
    return { size: first.size, aspectRatio: first.ratio, tier: '1K', notices: [] };
  }
  const listed = listedFor(choices, (choice) => choice.ratio, ratio);
  if (listed) return { size: listed.size, aspectRatio: listed.ratio, tier: '1K', notices: [] };
  const wanted = ratio.width / ratio.height;
  const nearest = choices.reduce((best, choice) =>
    logDistance(ratioOf(choice), wanted) < logDistance(ratioOf(best), wanted) ? choice : best,
  );
  const notices = sameRatio(ratioOf(nearest), wanted)
    ? []
    : [`${ratio.label} became ${nearest.size} (${nearest.ratio}): ${allowed}.`];
  return { size: nearest.size, aspectRatio: nearest.ratio, tier: '1K', notices };
}

function chooseFreeSize(
  model: ModelSpec,
  sizing: Extract<Sizing, { kind: 'free' }>,
  ratio: Ratio | undefined,
  tier: SizeTier | undefined,
  exact: Exact,
): SizeChoice {
  const tiers = Object.keys(sizing.tiers) as SizeTier[];
  if (tier && !tiers.includes(tier)) {
    throw new UserFacingError('bad_size', `${model.id} takes --size ${listWords(tiers)} or an exact WxH.`);
  }
  if (exact) {
    const pixels = exact.width * exact.height;
    if (pixels < sizing.minPixels || pixels > sizing.maxPixels || ratioOf(exact) > 16 || ratioOf(exact) < 1 / 16) {
      throw new UserFacingError(
        'bad_size',
        `${model.id} takes sizes between ${sizing.minPixels.toLocaleString('en')} and ${sizing.maxPixels.toLocaleString('en')} pixels (e.g. 2048x2048); ${exact.width}x${exact.height} is outside that.`,
      );
    }
    const exactTier: SizeTier = pixels > 2048 * 2048 * 1.5 ? '4K' : '2K';
    return { size: `${exact.width}x${exact.height}`, aspectRatio: ratio?.label, tier: exactTier, notices: [] };
  }
  const chosenTier = tier ?? sizing.defaultTier;
  if (!ratio) return { size: chosenTier, tier: chosenTier, notices: [] };
  const table = sizing.tiers[chosenTier] ?? [];
  const listed = listedFor(table, (choice) => choice.ratio, ratio);
  if (listed) return { size: listed.size, aspectRatio: listed.ratio, tier: chosenTier, notices: [] };
  const side = chosenTier === '4K' ? 4096 : 2048;
  const wanted = ratio.width / ratio.height;
  const roundTo = (value: number) => Math.max(16, Math.round(value / 16) * 16);
  let width = roundTo(side * Math.sqrt(wanted));
  let height = roundTo(side / Math.sqrt(wanted));
  while (width * height > sizing.maxPixels) {
    width -= 16;
    height = roundTo(width / wanted);
  }
  return { size: `${width}x${height}`, aspectRatio: ratio.label, tier: chosenTier, notices: [] };
}

/**
 * The ratio an edit keeps when the member gave none: the one the model takes that is nearest to the base image's
 * shape (a 16:9 photo stays 16:9 on Gemini instead of turning square). Undefined when the model sizes from its input.
 */
export function ratioForImage(model: ModelSpec, width: number, height: number): string | undefined {
  const wanted = width / height;
  const sizing = model.sizing;
  const candidates =
    sizing.kind === 'ratio'
      ? sizing.ratios
      : sizing.kind === 'fixed'
        ? sizing.sizes.map((choice) => choice.ratio)
        : sizing.kind === 'free'
          ? (sizing.tiers[sizing.defaultTier] ?? []).map((choice) => choice.ratio)
          : [];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const ratio = parseRatio(candidate);
    const distance = logDistance(ratio.width / ratio.height, wanted);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}
