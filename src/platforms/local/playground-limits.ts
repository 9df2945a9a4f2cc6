import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import { attachmentLimits } from '../../core/platform/attachment-limits.js';

/** What one playground request may carry; the body cap follows from it, never the other way round. */
export interface PlaygroundLimits {
  /** Images in one request: the most any model of the catalogue takes. */
  readonly maxImages: number;
  /** Bytes of one image as uploaded (it is fitted to the model later). */
  readonly maxImageBytes: number;
  /** Bytes of all images of one request together: the most any model takes in one request. */
  readonly maxTotalImageBytes: number;
  /** Characters of the text (prompt and flags). */
  readonly maxTextChars: number;
  /** The request body: the images as base64 data URLs plus the text and fields, JSON-encoded. */
  readonly maxBodyBytes: number;
}

/** JSON around the images: the text (up to 6 bytes a character, escaped), ids and punctuation. */
const fieldAllowanceBytes = 64 * 1024;
/** `"data:image/webp;base64,",` around each image. */
const perImageOverheadBytes = 64;
const maxTextChars = 40_000;

/**
 * The playground's limits: the core's attachment limits (the catalogue's input counts and per-request bytes, the
 * largest single image the bot takes at all, `perImageBytes`; the playground has no file limit of its own), and the
 * body that carries them.
 */
export function playgroundLimits(catalogue: ModelCatalogue, perImageBytes: number): PlaygroundLimits {
  const { maxImages, maxTotalBytes: maxTotalImageBytes } = attachmentLimits(catalogue, {}, perImageBytes);
  const maxBodyBytes =
    Math.ceil(maxTotalImageBytes / 3) * 4 + maxImages * perImageOverheadBytes + 6 * maxTextChars + fieldAllowanceBytes;
  return { maxImages, maxImageBytes: perImageBytes, maxTotalImageBytes, maxTextChars, maxBodyBytes };
}
