import type { GenerationRequest } from '../core/imagine-request.js';
import type { RequestOptions } from './upstream-request.js';

/** PNG bytes per pixel at worst (RGB, or RGBA for a transparent background) and the container's overhead. */
const pngBytesPerPixel = { opaque: 3, transparent: 4 } as const;
const pngOverhead = 64 * 1024;
/** The largest GPT Image output, for a request that names no size. */
const largestSide = { width: 1536, height: 1024 };
/** Keeps detail while a 1536×1024 image stays well under 1 MB. */
const compression = 90;

/**
 * The GPT Image fields both dialects send besides the prompt and images: `size`, `quality`, `background`,
 * `moderation` (the operator's setting, only when `low`), and `output_format` + `output_compression` when the PNG
 * upstream answers by default could pass the platforms' upload cap (it would then be re-encoded at every delivery).
 */
export function gptImageOptions(request: GenerationRequest, options: RequestOptions = {}): Record<string, unknown> {
  const encoding = smallerEncoding(request, options.uploadLimitBytes);
  return {
    ...(request.size !== undefined ? { size: request.size } : {}),
    ...(request.quality !== undefined ? { quality: request.quality } : {}),
    ...(request.background !== undefined ? { background: request.background } : {}),
    ...(options.gptImageModeration === 'low' ? { moderation: 'low' } : {}),
    ...(encoding ? { output_format: encoding, output_compression: compression } : {}),
  };
}

function smallerEncoding(request: GenerationRequest, limit: number | undefined): 'webp' | 'jpeg' | undefined {
  if (limit === undefined) return undefined;
  const { width, height } = sidesOf(request.size) ?? largestSide;
  const transparent = request.background === 'transparent';
  const worstPng = width * height * pngBytesPerPixel[transparent ? 'transparent' : 'opaque'] + pngOverhead;
  if (worstPng <= limit) return undefined;
  const formats = request.model.outputFormats;
  // JPEG has no alpha: a transparent background needs WEBP.
  if (formats.includes('webp') && (transparent || !formats.includes('jpeg'))) return 'webp';
  if (!transparent && formats.includes('jpeg')) return 'jpeg';
  return undefined;
}

function sidesOf(size: string | undefined): { width: number; height: number } | undefined {
  const match = size === undefined ? null : /^(\d+)x(\d+)$/.exec(size);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}
