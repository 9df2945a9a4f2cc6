import type { OverlayOptions } from 'sharp';
import sharp from 'sharp';
import type { InputImage } from '../core/imagine-request.js';
import type { ImagePipeline } from '../images/image-pipeline.js';
import { captionBandTop } from './offline-band.js';
import { captionBandSvg } from './offline-caption.js';
import type { Random } from './offline-seed.js';
import type { PixelSize } from './offline-size.js';
import { tintForInstruction } from './offline-tint.js';
import { lightAndShadeSvg, pickVariation } from './offline-variation.js';

const maxThumbnails = 4;

/** The other inputs of a fusion request as framed thumbnails along the top right corner. */
async function thumbnails(
  pipeline: ImagePipeline,
  inputs: readonly InputImage[],
  size: PixelSize,
  signal: AbortSignal | undefined,
): Promise<OverlayOptions[]> {
  const side = Math.max(24, Math.round(Math.min(size.width, size.height) * 0.2));
  const border = Math.max(2, Math.round(side / 40));
  const margin = Math.max(4, Math.round(side / 8));
  const shown = inputs.slice(0, maxThumbnails);
  const overlays: OverlayOptions[] = [];
  for (const [index, input] of shown.entries()) {
    const left = size.width - margin - (index + 1) * (side + 2 * border) - index * margin;
    if (left < 0) break;
    const framed = await pipeline.run(
      () =>
        pipeline
          .open(input.bytes)
          .resize(side, side, { fit: 'cover' })
          .extend({ top: border, bottom: border, left: border, right: border, background: '#ffffff' })
          .png()
          .toBuffer(),
      { signal },
    );
    overlays.push({ input: framed, left, top: margin });
  }
  return overlays;
}

/**
 * An offline edit: the first input without the caption band of an earlier preview, framed by the seed and fitted to
 * `size`, recoloured as the instruction suggests with the light from a seeded side, the other inputs as thumbnails
 * (fusion), and a caption band with the instruction and the offline label. PNG bytes.
 */
export async function renderOfflineEdit(options: {
  pipeline: ImagePipeline;
  inputs: readonly InputImage[];
  size: PixelSize;
  instruction: string;
  details: string;
  random: Random;
  /** The image's seed: it places the light (see `pickVariation`). */
  seed: number;
  signal?: AbortSignal;
}): Promise<Uint8Array> {
  const { pipeline, inputs, size, signal } = options;
  const [first, ...others] = inputs;
  if (!first) throw new Error('An offline edit needs at least one input image.');
  const tint = tintForInstruction(options.instruction, options.random);

  // Resize and colour adjustments first; composites are applied after them in a second pass.
  const { base, variation } = await pipeline.run(
    async () => {
      const decoded = await pipeline.open(first.bytes).raw().toBuffer({ resolveWithObject: true });
      const { width, height, channels } = decoded.info;
      const bandTop = captionBandTop({ data: decoded.data, width, height, channels });
      const variation = pickVariation(options.random, { width, height: bandTop ?? height }, options.seed);
      let image = sharp(decoded.data, { raw: { width, height, channels } })
        .extract(variation.crop)
        .resize(size.width, size.height, { fit: 'cover' })
        .modulate({ brightness: tint.brightness, saturation: tint.saturation });
      if (tint.greyscale) image = image.greyscale();
      return { base: await image.raw().toBuffer({ resolveWithObject: true }), variation };
    },
    { signal },
  );
  signal?.throwIfAborted();
  const overlays = await thumbnails(pipeline, others, size, signal);
  signal?.throwIfAborted();

  const overlaySvg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}">`,
    `<rect width="${size.width}" height="${size.height}" fill="${tint.colour}" fill-opacity="${tint.opacity}"/>`,
    lightAndShadeSvg(size, tint.colour, variation),
    captionBandSvg({ ...size, text: options.instruction, details: options.details }),
    '</svg>',
  ].join('');
  return pipeline.run(
    () =>
      sharp(base.data, { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels } })
        .composite([{ input: Buffer.from(overlaySvg), left: 0, top: 0 }, ...overlays])
        .png()
        .toBuffer(),
    { signal },
  );
}
