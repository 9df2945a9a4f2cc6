import type { InputImage } from '../../core/imagine-request.js';
import { checkAttachments } from '../../core/platform/attachment-limits.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { PlaygroundLimits } from './playground-limits.js';

/** An uploaded image, its size known from the base64 length, not decoded yet. */
export interface PendingImage {
  readonly name: string;
  readonly base64: string;
  readonly bytes: number;
}

/**
 * The `images` field read cheaply, before any decode: an array of at most `maxImages` base64 data URLs, each and all
 * together within the byte limits. What is refused here costs no decode at all.
 */
export function readPendingImages(images: unknown, limits: PlaygroundLimits): PendingImage[] {
  if (images === undefined || images === null) return [];
  if (!Array.isArray(images)) throw new UserFacingError('bad_request', '`images` must be a list of data URLs.');
  const checked = {
    maxImages: limits.maxImages,
    maxImageBytes: limits.maxImageBytes,
    maxTotalBytes: limits.maxTotalImageBytes,
  };
  // Counted before any is read: 20,000 stand-ins cost one comparison.
  checkAttachments(
    checked,
    images.map(() => ({})),
    taker,
  );
  const pending = images.map((dataUrl, index) => {
    const name = `Attachment ${index + 1}`;
    const base64 = base64Of(dataUrl);
    if (base64 === undefined) throw new UserFacingError('not_an_image', `${name} is not an image.`);
    const bytes = Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
    return { name, base64, bytes };
  });
  checkAttachments(checked, pending, taker);
  return pending;
}

const taker = 'The playground takes';

/** Stand-ins with no bytes: enough for the engine to check the count against the model before anything is decoded. */
export function placeholdersFor(pending: readonly PendingImage[]): InputImage[] {
  return pending.map((image) => ({ bytes: new Uint8Array(0), mimeType: 'image/png', name: image.name }));
}

/** Decodes and inspects each image in turn (the pipeline bounds how many decodes run at once across the process). */
export async function decodePendingImages(
  pending: readonly PendingImage[],
  pipeline: ImagePipeline,
): Promise<InputImage[]> {
  const decoded: InputImage[] = [];
  for (const image of pending) {
    const bytes = Buffer.from(image.base64, 'base64');
    const info = await pipeline.inspect(bytes, image.name);
    decoded.push({ bytes, mimeType: info.mimeType, name: image.name });
  }
  return decoded;
}

function base64Of(dataUrl: unknown): string | undefined {
  if (typeof dataUrl !== 'string' || !dataUrl.startsWith('data:')) return undefined;
  const comma = dataUrl.indexOf(',');
  // The header is short (`data:image/png;base64`); a comma further in means this is not a data URL.
  if (comma === -1 || comma > 100 || !dataUrl.slice(0, comma).endsWith(';base64')) return undefined;
  const base64 = dataUrl.slice(comma + 1);
  return base64.length > 0 ? base64 : undefined;
}
