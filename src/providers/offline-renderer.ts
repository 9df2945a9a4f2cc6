import sharp from 'sharp';
import type { GeneratedImage, GenerateOptions, GenerationResult, ImageProvider } from '../core/image-provider.js';
import type { GenerationRequest } from '../core/imagine-request.js';
import { createImagePipeline, type ImagePipeline } from '../images/image-pipeline.js';
import { textToImageSvg } from './offline-art.js';
import { renderOfflineEdit } from './offline-edit.js';
import { createRandom, promptSeed } from './offline-seed.js';
import { type PixelSize, resolveOfflineSize } from './offline-size.js';

/** Settings of the offline renderer; defaults in {@link offlineImageProviderDefaults}. */
export interface OfflineImageProviderOptions {
  /** Longest side of a preview, whatever the request asks (4K previews are slow and pointless). */
  maxLongSide?: number;
  /** Where sharp work runs; a pipeline of its own when unset. Share the bot's to share its concurrency limit. */
  pipeline?: ImagePipeline;
  /** A fresh seed for a request that carries none (a model without seeds); random by default. */
  freshSeed?: () => number;
}

export const offlineImageProviderDefaults = { maxLongSide: 2048 } as const satisfies Omit<
  Required<OfflineImageProviderOptions>,
  'pipeline' | 'freshSeed'
>;

function detailsLine(request: GenerationRequest, size: PixelSize, seed: number | undefined): string {
  const seedText = seed === undefined ? '' : ` · seed ${seed}`;
  return `${request.model.id} · ${size.width}×${size.height}${seedText}`;
}

/**
 * The provider used when no image API key is set: no key, no network. Text-to-image draws a deterministic
 * picture from the prompt and seed (same input, same bytes); an edit visibly recolours its first input as the
 * instruction suggests. Every image carries an "OFFLINE PREVIEW" label.
 */
export function createOfflineImageProvider(options: OfflineImageProviderOptions = {}): ImageProvider {
  const maxLongSide = options.maxLongSide ?? offlineImageProviderDefaults.maxLongSide;
  const pipeline = options.pipeline ?? createImagePipeline();
  const freshSeed = options.freshSeed ?? (() => Math.floor(Math.random() * 0x7fffffff));

  async function renderOne(
    request: GenerationRequest,
    size: PixelSize,
    seed: number,
    signal: AbortSignal | undefined,
  ): Promise<GeneratedImage> {
    const reportedSeed = request.seed === undefined ? undefined : seed;
    const random = createRandom(request.prompt, seed);
    const details = detailsLine(request, size, reportedSeed);
    const bytes =
      request.inputImages.length > 0
        ? await renderOfflineEdit({
            pipeline,
            inputs: request.inputImages,
            size,
            instruction: request.prompt,
            details,
            random,
            seed,
            ...(signal && { signal }),
          })
        : await pipeline.run(
            () =>
              sharp(Buffer.from(textToImageSvg({ size, random, prompt: request.prompt, details })))
                .png()
                .toBuffer(),
            signal ? { signal } : {},
          );
    signal?.throwIfAborted();
    return {
      bytes,
      mimeType: 'image/png',
      width: size.width,
      height: size.height,
      ...(reportedSeed !== undefined && { seed: reportedSeed }),
    };
  }

  return {
    name: 'offline',
    offline: true,
    async generate(request: GenerationRequest, generateOptions: GenerateOptions = {}): Promise<GenerationResult> {
      const { signal } = generateOptions;
      signal?.throwIfAborted();
      const [first] = request.inputImages;
      const firstSize = first ? await pipeline.inspect(first.bytes, first.name) : undefined;
      signal?.throwIfAborted();
      const size = resolveOfflineSize(request, maxLongSide, firstSize);
      // Image i of a request takes seed + i, as a model's batch would. A model without seeds answers differently
      // each time (a Reroll must look like one), so a seedless request draws a fresh seed, mixed with the prompt.
      const seed = request.seed ?? promptSeed(request.prompt) ^ freshSeed();
      const images = await Promise.all(
        Array.from({ length: request.count }, (_, index) => renderOne(request, size, seed + index, signal)),
      );
      return { images, requestIds: [], offline: true };
    },
  };
}
