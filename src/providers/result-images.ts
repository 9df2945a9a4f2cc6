import type { GeneratedImage } from '../core/image-provider.js';
import type { OutputLimits } from '../core/models/output-limits.js';
import { type DownloadError, isDownloadError } from '../download/download-error.js';
import type { NativeStatePart } from './gemini-native-state.js';
import { ImageApiError } from './image-api-error.js';
import type { ResultItem } from './image-api-response.js';
import { toImageApiError } from './upstream-errors.js';

/** What the client needs to fetch URL results (size-capped, private addresses refused). */
export interface ResultDownloader {
  download(
    url: string,
    init?: { signal?: AbortSignal; maxBytes?: number },
  ): Promise<{ bytes: Uint8Array; mimeType: string }>;
}

/** What the client needs to check a generated image once, before it is kept (decoded, within the model's limits). */
export interface OutputVerifier {
  verifyOutput(bytes: Uint8Array, check: OutputLimits): Promise<{ mimeType: string; width: number; height: number }>;
}

export interface ResultContext {
  readonly downloader: ResultDownloader;
  readonly verifier: OutputVerifier;
  readonly limits: OutputLimits;
  /** The seed of the call; every image of one call was made from it. */
  readonly seed?: number;
  readonly requestId?: string;
  readonly signal: AbortSignal;
}

/**
 * Turns one call's answer into images: URLs are downloaded within the model's byte cap, and every image is decoded
 * and checked against the model's limits. An image that fails (a URL that is gone, a header claiming 40000×40000,
 * junk behind an image signature, a truncated file, an `error` in its place) is a failure, never an image. `parts`
 * holds each kept image's native Gemini parts (thought signatures), in the images' order.
 */
export async function toImages(items: readonly ResultItem[], context: ResultContext) {
  const images: GeneratedImage[] = [];
  const parts: (readonly NativeStatePart[] | undefined)[] = [];
  const failures: ImageApiError[] = [];
  for (const item of items) {
    if (item.kind === 'failed') {
      failures.push(item.error);
      continue;
    }
    try {
      const bytes = item.kind === 'bytes' ? item.bytes : await download(item.url, context);
      const verified = await context.verifier.verifyOutput(bytes, context.limits).catch((error: unknown) => {
        if (error instanceof ImageApiError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new ImageApiError('invalid_response', `image API ${reason}`, { requestId: context.requestId });
      });
      images.push({
        bytes,
        ...verified,
        ...(context.seed !== undefined ? { seed: context.seed } : {}),
        ...(item.revisedPrompt ? { revisedPrompt: item.revisedPrompt } : {}),
      });
      parts.push(item.parts);
    } catch (error) {
      failures.push(toImageApiError(error, context.signal));
    }
  }
  return { images, parts, failures };
}

/**
 * A result URL that cannot be fetched is the image API's failure: a refusal or an unusable body is an
 * `invalid_response`, a slow one a `timeout`, a lost connection `upstream`. It still names the generation's request
 * id: operators quote it upstream.
 */
async function download(url: string, context: ResultContext): Promise<Uint8Array> {
  try {
    const fetched = await context.downloader.download(url, {
      signal: context.signal,
      maxBytes: context.limits.maxBytes,
    });
    return fetched.bytes;
  } catch (error) {
    if (!isDownloadError(error)) throw error;
    throw resultDownloadFailed(error, context.requestId);
  }
}

function resultDownloadFailed(error: DownloadError, requestId: string | undefined): ImageApiError {
  const code = error.failure === 'timeout' ? 'timeout' : error.failure === 'network' ? 'upstream' : 'invalid_response';
  return new ImageApiError(code, error.message, {
    cause: error,
    ...(error.details.status !== undefined ? { status: error.details.status } : {}),
    ...(requestId ? { requestId } : {}),
  });
}
