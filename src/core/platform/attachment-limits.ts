import { formatBytes, notAnImageError, tooLargeError } from '../image-sentences.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import { UserFacingError } from '../user-facing-error.js';

/** What one member message may carry as images, on one platform. */
export interface AttachmentLimits {
  /** Images in one message: the most any model takes, within the platform's own file count. */
  readonly maxImages: number;
  /** Bytes of one image as sent: the platform's file cap, within what the image pipeline decodes at all. */
  readonly maxImageBytes: number;
  /** Bytes of all images of one message: the most any model takes in one request. */
  readonly maxTotalBytes: number;
}

/** A platform's own limits on what a member can send with one message. */
export interface PlatformFileLimits {
  readonly maxFiles?: number;
  readonly maxFileBytes?: number;
}

/**
 * The one decision on attachment limits, from the platform's real limits, each model's input limits (the catalogue)
 * and the largest image the image pipeline decodes: a platform never invents a cap of its own.
 */
export function attachmentLimits(
  catalogue: ModelCatalogue,
  platform: PlatformFileLimits,
  decodeLimitBytes: number,
): AttachmentLimits {
  const models = catalogue.list();
  const maxImages = Math.min(
    platform.maxFiles ?? Number.POSITIVE_INFINITY,
    Math.max(1, ...models.map((model) => model.maxInputImages)),
  );
  const maxImageBytes = Math.min(platform.maxFileBytes ?? Number.POSITIVE_INFINITY, decodeLimitBytes);
  const requestBytes = Math.max(...models.map((model) => model.maxRequestInputBytes));
  return { maxImages, maxImageBytes, maxTotalBytes: Math.min(maxImages * maxImageBytes, requestBytes) };
}

/** An image a member sent, as its platform describes it before anything is downloaded. */
export interface DescribedAttachment {
  readonly name?: string;
  /** Known from the platform's metadata (or the upload's length); unknown for a pasted link. */
  readonly bytes?: number;
  /** The type the platform claims; anything but `image/*` is refused. */
  readonly mimeType?: string | null;
}

/**
 * Refuses, from metadata alone and before anything is downloaded or acknowledged, a message with too many images,
 * something that is not an image, or images too large one by one or together. `taker` names who refuses ("The
 * playground takes", "I take").
 */
export function checkAttachments(
  limits: AttachmentLimits,
  attachments: readonly DescribedAttachment[],
  taker = 'I take',
): void {
  if (attachments.length > limits.maxImages) {
    throw new UserFacingError(
      'too_many_images',
      `${taker} at most ${limits.maxImages} images per message; ${attachments.length} were given.`,
    );
  }
  let total = 0;
  for (const attachment of attachments) {
    if (attachment.mimeType && !attachment.mimeType.startsWith('image/')) throw notAnImageError(attachment.name);
    const bytes = attachment.bytes ?? 0;
    if (bytes > limits.maxImageBytes) throw tooLargeError(attachment.name, bytes, limits.maxImageBytes);
    total += bytes;
  }
  if (total > limits.maxTotalBytes) {
    throw new UserFacingError(
      'image_too_large',
      `The images are ${formatBytes(total)} together; at most ${formatBytes(limits.maxTotalBytes)} per message are accepted.`,
    );
  }
}
