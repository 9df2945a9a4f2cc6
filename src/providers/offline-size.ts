import type { GenerationRequest } from '../core/imagine-request.js';
import type { SizeTier } from '../core/models/model-spec.js';

export interface PixelSize {
  readonly width: number;
  readonly height: number;
}

/** Long side of each resolution tier (Gemini `image_size`, Seedream `2K`/`4K`). */
const tierLongSide: Record<SizeTier, number> = { '1K': 1024, '2K': 2048, '4K': 4096 };
const defaultSize: PixelSize = { width: 1024, height: 1024 };
const minSide = 64;

const pixelPattern = /^\s*(\d{1,5})\s*[x*×]\s*(\d{1,5})\s*$/i;
const ratioPattern = /^\s*(\d{1,3}(?:\.\d+)?)\s*:\s*(\d{1,3}(?:\.\d+)?)\s*$/;
const tierPattern = /^\s*([124])k\s*$/i;

function isTier(value: string): value is SizeTier {
  return value in tierLongSide;
}

function atTier(ratioWidth: number, ratioHeight: number, tier: SizeTier): PixelSize {
  const long = tierLongSide[tier];
  return ratioWidth >= ratioHeight
    ? { width: long, height: Math.round((long * ratioHeight) / ratioWidth) }
    : { width: Math.round((long * ratioWidth) / ratioHeight), height: long };
}

/** The size the request names, before any cap: `WxH` / `W*H`, a ratio at the request's tier, or a tier alone. */
function requestedSize(request: GenerationRequest, firstInput: PixelSize | undefined): PixelSize {
  const size = request.size;
  const tier = request.imageSize ?? request.tier;
  const pixels = size?.match(pixelPattern);
  if (pixels) return { width: Number(pixels[1]), height: Number(pixels[2]) };
  const ratio = size?.match(ratioPattern);
  if (ratio && Number(ratio[1]) > 0 && Number(ratio[2]) > 0) return atTier(Number(ratio[1]), Number(ratio[2]), tier);
  const tierOnly = size?.match(tierPattern)?.[1];
  if (tierOnly !== undefined) {
    const named = `${tierOnly}K`;
    if (isTier(named)) return atTier(1, 1, named);
  }
  return firstInput ?? defaultSize;
}

/**
 * The pixel size of an offline image: what the request names (`1536x1024`, `1328*1328`, `16:9` at `2K` →
 * 2048×1152, `4K` → 4096×4096), else the first input's size (`adaptive`, or no size with input images), else
 * 1024×1024; then the long side capped at `maxLongSide` with the aspect kept.
 */
export function resolveOfflineSize(request: GenerationRequest, maxLongSide: number, firstInput?: PixelSize): PixelSize {
  const { width, height } = requestedSize(request, firstInput);
  const scale = Math.min(1, maxLongSide / Math.max(width, height));
  return {
    width: Math.max(minSide, Math.round(width * scale)),
    height: Math.max(minSide, Math.round(height * scale)),
  };
}
