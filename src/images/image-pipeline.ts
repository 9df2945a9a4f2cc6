import type { Sharp } from 'sharp';
import type { InputImage } from '../core/imagine-request.js';
import { type ConcurrencyLimit, createConcurrencyLimit } from './concurrency-limit.js';
import { type ImageInfo, inspectImage } from './inspect-image.js';
import { type InputTarget, prepareInput } from './prepare-input.js';
import { type MaskTarget, prepareMask } from './prepare-mask.js';
import { type OutputTarget, type PreparedOutput, prepareOutput } from './prepare-output.js';
import { createSharpContext } from './sharp-context.js';
import { type OutputCheck, type VerifiedOutput, verifyOutput } from './verify-output.js';

export type { ImageInfo } from './inspect-image.js';
export type { InputTarget } from './prepare-input.js';
export type { MaskTarget } from './prepare-mask.js';
export type { OutputTarget, PreparedOutput } from './prepare-output.js';
export { type OutputCheck, OutputRejectedError, type VerifiedOutput } from './verify-output.js';

/** Settings of the image pipeline; every field has a default in {@link imagePipelineDefaults}. */
export interface ImagePipelineOptions {
  /** Most pixels (width × height) of an image the pipeline decodes: the decompression-bomb guard. */
  maxPixels?: number;
  /** Most sharp operations (decodes, re-encodes, renders) at once; the others wait in arrival order. */
  concurrency?: number;
  /** Largest raw input accepted at all, before any decoding. */
  maxInputBytes?: number;
  /** A limit to use instead of a new one of `concurrency` slots: share it between pipelines, or observe it. */
  limit?: ConcurrencyLimit;
}

export const imagePipelineDefaults = {
  maxPixels: 40_000_000,
  concurrency: 2,
  maxInputBytes: 25 * 1024 * 1024,
} as const satisfies Required<Omit<ImagePipelineOptions, 'limit'>>;

/**
 * Every decode and encode of the bot: checks untrusted images, fits inputs to a model's limits and outputs to a
 * platform's upload limit, with a bounded number of sharp operations at once. Errors meant for members are
 * `UserFacingError`s (`not_an_image`, `image_too_large`, `image_too_many_pixels`, `image_corrupt`,
 * `unsupported_image`, `output_too_large`, `mask_without_alpha`, `mask_too_large`); a generated image that fails its
 * check is an `OutputRejectedError`.
 */
export interface ImagePipeline {
  /** Largest raw image it accepts at all: what a platform may take from a member per image. */
  readonly maxInputBytes: number;
  /** Sniffs, checks the pixel limit from the header, then decodes once to prove the data is complete. */
  inspect(bytes: Uint8Array, name?: string): Promise<ImageInfo>;
  /** Fits a member's image to a model: untouched when it already fits, else re-encoded, else downscaled. */
  prepareInput(image: { readonly bytes: Uint8Array; readonly name?: string }, target: InputTarget): Promise<InputImage>;
  /** Fits a member's inpainting mask to the image it applies to (size, PNG with alpha, byte limit). */
  prepareMask(mask: { readonly bytes: Uint8Array; readonly name?: string }, target: MaskTarget): Promise<InputImage>;
  /** Decodes and checks a generated image once, before it is stored (format, bytes, size, complete pixel data). */
  verifyOutput(bytes: Uint8Array, check: OutputCheck): Promise<VerifiedOutput>;
  /** Fits a generated image to an upload limit: untouched when it already fits (only its header is read). */
  prepareOutput(bytes: Uint8Array, target: OutputTarget): Promise<PreparedOutput>;
  /** A sharp instance for untrusted bytes with the pipeline's safety settings; do its work inside {@link run}. */
  open(bytes: Uint8Array): Sharp;
  /** Runs other sharp work (the offline renderer's) under the pipeline's concurrency limit. */
  run<T>(task: () => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
}

/** Creates the image pipeline; sharp's operation cache is turned off on first use to keep memory flat. */
export function createImagePipeline(options: ImagePipelineOptions = {}): ImagePipeline {
  const maxPixels = options.maxPixels ?? imagePipelineDefaults.maxPixels;
  const maxInputBytes = options.maxInputBytes ?? imagePipelineDefaults.maxInputBytes;
  const limit = options.limit ?? createConcurrencyLimit(options.concurrency ?? imagePipelineDefaults.concurrency);
  const context = createSharpContext({ maxPixels, maxInputBytes, limit });
  return {
    maxInputBytes,
    inspect: (bytes, name) => inspectImage(context, bytes, name),
    prepareInput: (image, target) => prepareInput(context, image, target),
    prepareMask: (mask, target) => prepareMask(context, mask, target),
    verifyOutput: (bytes, check) => verifyOutput(context, bytes, check),
    prepareOutput: (bytes, target) => prepareOutput(context, bytes, target),
    open: (bytes) => context.open(bytes),
    run: (task, runOptions) => context.run(task, runOptions),
  };
}
