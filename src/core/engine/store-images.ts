import type { GeneratedImage } from '../image-provider.js';
import type { InputImage } from '../imagine-request.js';
import type { ImageRef } from '../records.js';
import type { BlobLease } from './blob-holds.js';
import type { EngineContext } from './engine-context.js';

/**
 * Stores images a member sent (attachments, fetched files) and describes them for the records; the lease holds them
 * until the records that refer to them are written.
 */
export async function storeImages(
  context: EngineContext,
  images: readonly InputImage[],
  lease: BlobLease,
): Promise<ImageRef[]> {
  const refs: ImageRef[] = [];
  for (const image of images) {
    const hash = await lease.put(image.bytes);
    const size = await context.measure?.(image.bytes);
    refs.push({ hash, mimeType: image.mimeType, byteLength: image.bytes.length, ...(size ?? {}) });
  }
  return refs;
}

/** Stores what a provider made, with the size it reported (or the header's) and the seed that made each image. */
export async function storeOutputs(
  context: EngineContext,
  images: readonly GeneratedImage[],
  lease: BlobLease,
): Promise<ImageRef[]> {
  const refs: ImageRef[] = [];
  for (const image of images) {
    const hash = await lease.put(image.bytes);
    const size =
      image.width && image.height ? { width: image.width, height: image.height } : await context.measure?.(image.bytes);
    refs.push({
      hash,
      mimeType: image.mimeType,
      byteLength: image.bytes.length,
      ...(size ? { width: size.width, height: size.height } : {}),
      ...(image.seed !== undefined ? { seed: image.seed } : {}),
    });
  }
  return refs;
}
