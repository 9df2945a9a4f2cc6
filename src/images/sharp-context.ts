import sharp, { type Sharp } from 'sharp';
import type { ConcurrencyLimit } from './concurrency-limit.js';

let sharpCacheDisabled = false;

/** libvips' operation cache keeps decoded images around; a bot sees each image once, so memory matters more. */
function disableSharpCache(): void {
  if (sharpCacheDisabled) return;
  sharp.cache(false);
  sharpCacheDisabled = true;
}

/** What every step of the pipeline shares: the safety settings and the concurrency limit. */
export interface SharpContext {
  readonly maxPixels: number;
  readonly maxInputBytes: number;
  /** A sharp instance for untrusted bytes: pixel limit, truncation is an error, EXIF orientation applied. */
  open(bytes: Uint8Array): Sharp;
  /** Runs sharp work under the concurrency limit. */
  run<T>(task: () => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
}

export function createSharpContext(settings: {
  maxPixels: number;
  maxInputBytes: number;
  limit: ConcurrencyLimit;
}): SharpContext {
  disableSharpCache();
  const { maxPixels, maxInputBytes, limit } = settings;
  return {
    maxPixels,
    maxInputBytes,
    open: (bytes) => sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, autoOrient: true }),
    run: (task, options) => limit.run(task, options),
  };
}
