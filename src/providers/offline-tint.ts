import { hslToHex, type Random } from './offline-seed.js';

/** How an offline edit recolours its input. */
export interface OfflineTint {
  /** The word of the instruction that chose the tint, or `undefined` for a colour from the hash. */
  readonly word?: string;
  readonly colour: string;
  /** Opacity of the colour laid over the image. */
  readonly opacity: number;
  readonly brightness: number;
  readonly saturation: number;
  readonly greyscale: boolean;
}

type TintRule = Omit<OfflineTint, 'word' | 'brightness' | 'saturation' | 'greyscale'> &
  Partial<Pick<OfflineTint, 'brightness' | 'saturation' | 'greyscale'>> & { readonly words: readonly string[] };

const rules: readonly TintRule[] = [
  { words: ['night', 'midnight', 'dark', 'moonlit'], colour: '#0b1f5c', opacity: 0.45, brightness: 0.55 },
  {
    words: ['stormy', 'storm', 'thunderstorm', 'rain', 'rainy', 'cloudy', 'fog', 'foggy', 'gloomy'],
    colour: '#3d4a5c',
    opacity: 0.4,
    brightness: 0.75,
    saturation: 0.45,
  },
  { words: ['sunset', 'sunrise', 'dusk', 'dawn', 'golden'], colour: '#ff7a2e', opacity: 0.38 },
  { words: ['snow', 'snowy', 'winter', 'icy', 'frozen'], colour: '#cfe6ff', opacity: 0.42, brightness: 1.1 },
  {
    words: ['black and white', 'monochrome', 'grayscale', 'greyscale', 'noir'],
    colour: '#000000',
    opacity: 0,
    greyscale: true,
  },
  { words: ['sepia', 'vintage', 'old photo'], colour: '#a2723c', opacity: 0.4, saturation: 0.3 },
  { words: ['blue'], colour: '#1d5bff', opacity: 0.42 },
  { words: ['red'], colour: '#e3262f', opacity: 0.42 },
  { words: ['green', 'forest'], colour: '#1fae4b', opacity: 0.42 },
  { words: ['yellow'], colour: '#ffd21a', opacity: 0.42 },
  { words: ['orange', 'autumn', 'fall'], colour: '#ff8419', opacity: 0.42 },
  { words: ['purple', 'violet'], colour: '#8a3dff', opacity: 0.42 },
  { words: ['pink'], colour: '#ff4fa3', opacity: 0.42 },
  { words: ['teal', 'cyan', 'underwater'], colour: '#12b5b5', opacity: 0.42 },
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The tint an instruction asks for: the rule whose word appears first in it ("make it stormy" → slate and
 * darker, "a blue car" → blue), else a colour from `random` so that every edit visibly changes the image.
 */
export function tintForInstruction(instruction: string, random: Random): OfflineTint {
  const text = instruction.toLowerCase();
  let best: { rule: TintRule; word: string; index: number } | undefined;
  for (const rule of rules) {
    for (const word of rule.words) {
      const index = text.search(new RegExp(`\\b${escapeRegExp(word)}\\b`));
      if (index !== -1 && (!best || index < best.index)) best = { rule, word, index };
    }
  }
  if (best) {
    const { rule, word } = best;
    return {
      word,
      colour: rule.colour,
      opacity: rule.opacity,
      brightness: rule.brightness ?? 1,
      saturation: rule.saturation ?? 1,
      greyscale: rule.greyscale ?? false,
    };
  }
  return {
    colour: hslToHex(random() * 360, 0.85, 0.5),
    opacity: 0.35,
    brightness: 1,
    saturation: 1,
    greyscale: false,
  };
}
