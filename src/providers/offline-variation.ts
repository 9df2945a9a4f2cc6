import { between, type Random } from './offline-seed.js';
import type { PixelSize } from './offline-size.js';

/**
 * How one offline edit differs from another of the same request: the framing of the base, where a light falls and
 * which side is in shade, all drawn from the request's seed. Rerolls and Variations are new seeds, so each looks
 * different, as a model's would; the same seed draws the same picture. The light goes round the picture by the
 * golden angle per seed, so the images of one batch (seed, seed + 1, …) never share a side.
 */
export interface EditVariation {
  /** The part of the base kept, in its own pixels (a slight zoom towards a random point). */
  readonly crop: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
  /** Centre of the light, as fractions of the width and height, and its radius as a fraction of the long side. */
  readonly light: { readonly x: number; readonly y: number; readonly radius: number; readonly opacity: number };
  /** The light's own colour (warm, cool, rose, …), blended with the instruction's. */
  readonly lightColour: string;
  /** Direction the shade comes from, in degrees. */
  readonly shadeAngle: number;
}

const goldenTurn = (Math.sqrt(5) - 1) / 2;
/** Lights by seed, in an order where neighbours differ most: a batch's images never share one. */
const lightColours = ['#ffe7b3', '#b9d3ff', '#ffb8d9', '#c4ffb8', '#ffc9a6', '#d9c4ff'];

export function pickVariation(random: Random, base: PixelSize, seed: number): EditVariation {
  const zoom = between(random, 1.03, 1.12);
  const width = Math.max(1, Math.round(base.width / zoom));
  const height = Math.max(1, Math.round(base.height / zoom));
  const turn = ((seed * goldenTurn) % 1) * 2 * Math.PI;
  const reach = between(random, 0.22, 0.36);
  const light = {
    x: round(0.5 + reach * Math.cos(turn)),
    y: round(0.42 + reach * 0.9 * Math.sin(turn)),
    radius: round(between(random, 0.3, 0.45)),
    opacity: round(between(random, 0.55, 0.75)),
  };
  return {
    lightColour: lightColours[Math.abs(seed) % lightColours.length] as string,
    crop: {
      left: Math.round(random() * (base.width - width)),
      top: Math.round(random() * (base.height - height)),
      width,
      height,
    },
    light,
    shadeAngle: Math.round(between(random, 0, 360)),
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** `#rrggbb` of `first` with `share` of `second` mixed in. */
function blend(first: string, second: string, share: number): string {
  const channel = (offset: number) => {
    const a = Number.parseInt(first.slice(offset, offset + 2), 16);
    const b = Number.parseInt(second.slice(offset, offset + 2), 16);
    return Math.round(a + (b - a) * share)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

/** A glow of the variation's light and a shade in a dark tone of `colour`, placed by `variation`. */
export function lightAndShadeSvg(size: PixelSize, colour: string, variation: EditVariation): string {
  const { light } = variation;
  const long = Math.max(size.width, size.height);
  const glow = blend(variation.lightColour, colour, 0.15);
  const shade = blend(colour, '#000000', 0.7);
  return [
    '<defs>',
    `<radialGradient id="light"><stop offset="0" stop-color="${glow}" stop-opacity="${light.opacity}"/>`,
    `<stop offset="1" stop-color="${glow}" stop-opacity="0"/></radialGradient>`,
    `<linearGradient id="shade" gradientTransform="rotate(${variation.shadeAngle} 0.5 0.5)">`,
    `<stop offset="0" stop-color="${shade}" stop-opacity="0.65"/><stop offset="0.75" stop-color="${shade}" stop-opacity="0"/>`,
    '</linearGradient></defs>',
    `<rect width="${size.width}" height="${size.height}" fill="url(#shade)"/>`,
    `<circle cx="${Math.round(light.x * size.width)}" cy="${Math.round(light.y * size.height)}" r="${Math.round(light.radius * long)}" fill="url(#light)"/>`,
  ].join('');
}
