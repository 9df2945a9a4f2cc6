import { captionBandSvg, promptPanelSvg } from './offline-caption.js';
import { between, hslToHex, type Palette, pickPalette, type Random } from './offline-seed.js';
import type { PixelSize } from './offline-size.js';

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A ridge line across the image: two sine waves of random phase, sampled finely enough to look smooth. */
function ridgePath(random: Random, size: PixelSize, baseline: number, amplitude: number): string {
  const { width, height } = size;
  const frequency = [between(random, 1, 2.5), between(random, 3, 6)];
  const phase = [between(random, 0, Math.PI * 2), between(random, 0, Math.PI * 2)];
  const steps = 48;
  const points = Array.from({ length: steps + 1 }, (_, index) => {
    const t = index / steps;
    const wave =
      Math.sin(t * Math.PI * 2 * (frequency[0] ?? 1) + (phase[0] ?? 0)) * 0.7 +
      Math.sin(t * Math.PI * 2 * (frequency[1] ?? 4) + (phase[1] ?? 0)) * 0.3;
    return `L${round(t * width)},${round(baseline + wave * amplitude)}`;
  });
  return `M0,${height} ${points.join(' ')} L${width},${height} Z`;
}

function floatingShapes(random: Random, size: PixelSize, palette: Palette): string {
  const count = Math.floor(between(random, 3, 7));
  const unit = Math.min(size.width, size.height);
  return Array.from({ length: count }, () => {
    const x = round(between(random, 0.05, 0.95) * size.width);
    const y = round(between(random, 0.05, 0.6) * size.height);
    const radius = round(between(random, 0.03, 0.12) * unit);
    const colour = hslToHex((palette.hue + between(random, -60, 60) + 360) % 360, 0.8, between(random, 0.6, 0.85));
    const opacity = round(between(random, 0.15, 0.4));
    const kind = random();
    if (kind < 0.45) return `<circle cx="${x}" cy="${y}" r="${radius}" fill="${colour}" fill-opacity="${opacity}"/>`;
    if (kind < 0.8) {
      const angle = round(between(random, 0, 90));
      return `<rect x="${round(x - radius)}" y="${round(y - radius)}" width="${radius * 2}" height="${radius * 2}" rx="${round(radius / 3)}" fill="${colour}" fill-opacity="${opacity}" transform="rotate(${angle} ${x} ${y})"/>`;
    }
    return `<path d="M${x},${round(y - radius)} L${round(x + radius)},${round(y + radius)} L${round(x - radius)},${round(y + radius)} Z" fill="${colour}" fill-opacity="${opacity}"/>`;
  }).join('');
}

function stars(random: Random, size: PixelSize): string {
  const count = Math.floor(between(random, 12, 36));
  const unit = Math.min(size.width, size.height);
  return Array.from({ length: count }, () => {
    const x = round(random() * size.width);
    const y = round(random() * size.height * 0.5);
    const radius = round(between(random, 0.0015, 0.005) * unit);
    return `<circle cx="${x}" cy="${y}" r="${radius}" fill="#ffffff" fill-opacity="${round(between(random, 0.3, 0.8))}"/>`;
  }).join('');
}

/**
 * A text-to-image preview as SVG: a gradient sky with a glow, layered ridges and a few shapes, all picked by
 * `random`; the prompt in the middle and the offline caption band at the bottom.
 */
export function textToImageSvg(options: { size: PixelSize; random: Random; prompt: string; details: string }): string {
  const { size, random } = options;
  const { width, height } = size;
  const palette = pickPalette(random);
  const angle = round(between(random, 0, 360));
  const glowX = round(between(random, 0.2, 0.8) * width);
  const glowY = round(between(random, 0.15, 0.45) * height);
  const glowRadius = round(between(random, 0.18, 0.32) * Math.min(width, height));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs>',
    `<linearGradient id="sky" gradientTransform="rotate(${angle} 0.5 0.5)"><stop offset="0" stop-color="${palette.skyTop}"/><stop offset="1" stop-color="${palette.skyBottom}"/></linearGradient>`,
    `<radialGradient id="glow"><stop offset="0" stop-color="${palette.glow}" stop-opacity="0.95"/><stop offset="0.45" stop-color="${palette.glow}" stop-opacity="0.5"/><stop offset="1" stop-color="${palette.glow}" stop-opacity="0"/></radialGradient>`,
    '</defs>',
    `<rect width="${width}" height="${height}" fill="url(#sky)"/>`,
    stars(random, size),
    `<circle cx="${glowX}" cy="${glowY}" r="${glowRadius * 2}" fill="url(#glow)"/>`,
    floatingShapes(random, size, palette),
    `<path d="${ridgePath(random, size, height * between(random, 0.58, 0.68), height * 0.07)}" fill="${palette.far}" fill-opacity="0.85"/>`,
    `<path d="${ridgePath(random, size, height * between(random, 0.74, 0.82), height * 0.045)}" fill="${palette.near}"/>`,
    promptPanelSvg({ width, height, prompt: options.prompt }),
    captionBandSvg({ width, height, details: options.details }),
    '</svg>',
  ].join('');
}
