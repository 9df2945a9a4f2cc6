import { sniffImageType } from '../../src/images/image-type.js';
import type { FakeFamily } from './fake-image-api-types.js';

const MB = 1_000_000;

/** Input limits per family (docs/image-api.md, "Input limits"). */
const inputLimits: Record<FakeFamily, { readonly formats: readonly string[]; readonly maxBytes: number }> = {
  gemini: { formats: ['image/png', 'image/jpeg', 'image/webp'], maxBytes: 7 * MB },
  seedream: {
    formats: ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff', 'image/gif'],
    maxBytes: 10 * MB,
  },
  // OpenAI's reference: PNG, WEBP or JPG for the GPT image models.
  gpt: { formats: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 10 * MB },
  qwen: { formats: ['image/jpeg', 'image/png', 'image/bmp', 'image/tiff', 'image/webp'], maxBytes: 10 * MB },
};

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks one input image reference: an https URL (not fetched), or a base64 data URL whose bytes really are an
 * image of a format the family takes, within its size limit, and whose declared type matches the bytes.
 * Returns what is wrong, or undefined.
 */
export function checkImageReference(value: unknown, family: FakeFamily, where: string): string | undefined {
  if (typeof value !== 'string') return `${where} must be a string (data URL or https URL), got ${describe(value)}`;
  if (value.startsWith('https://')) return URL.canParse(value) ? undefined : `${where} is not a valid URL`;
  if (!value.startsWith('data:')) return `${where} must be a data URL or an https URL, got "${value.slice(0, 40)}"`;
  const comma = value.indexOf(',');
  const header = value.slice(5, comma < 0 ? 60 : comma);
  if (comma < 0 || !header.endsWith(';base64')) return `${where} must be a base64 data URL (data:image/png;base64,...)`;
  const payload = value.slice(comma + 1);
  if (payload.length === 0 || payload.length % 4 !== 0 || !base64Pattern.test(payload)) {
    return `${where} carries invalid base64`;
  }
  const type = sniffImageType(Buffer.from(payload.slice(0, 64), 'base64'));
  if (!type) return `${where} does not decode to an image (no known magic bytes)`;
  const declared = header.slice(0, -';base64'.length).toLowerCase().replace('image/jpg', 'image/jpeg');
  if (declared !== type.mimeType) return `${where} is declared ${declared} but the bytes are ${type.mimeType}`;
  const limits = inputLimits[family];
  if (!limits.formats.includes(type.mimeType)) return `${where} is ${type.mimeType}, which ${family} does not take`;
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  const bytes = (payload.length / 4) * 3 - padding;
  if (bytes > limits.maxBytes) return `${where} is ${bytes} bytes, over the ${limits.maxBytes} bytes ${family} takes`;
  return undefined;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Checks an uploaded image file (multipart): real image bytes of a type the family takes, within its limit. */
export function checkImageFile(
  bytes: Uint8Array,
  declared: string | undefined,
  family: FakeFamily,
  where: string,
): string | undefined {
  const type = sniffImageType(bytes);
  if (!type) return `${where} is not an image (no known magic bytes)`;
  const declaredType = declared?.toLowerCase().replace('image/jpg', 'image/jpeg');
  if (declaredType && declaredType !== type.mimeType) {
    return `${where} is declared ${declaredType} but the bytes are ${type.mimeType}`;
  }
  const limits = inputLimits[family];
  if (!limits.formats.includes(type.mimeType)) return `${where} is ${type.mimeType}, which ${family} does not take`;
  if (bytes.byteLength > limits.maxBytes) {
    return `${where} is ${bytes.byteLength} bytes, over the ${limits.maxBytes} bytes ${family} takes`;
  }
  return undefined;
}
