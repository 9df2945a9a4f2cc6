import type { InputImage } from '../core/imagine-request.js';

/** `data:<type>;base64,<payload>` of an image's bytes. */
export function toDataUrl(image: Pick<InputImage, 'bytes' | 'mimeType'>): string {
  return `data:${image.mimeType};base64,${Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength).toString('base64')}`;
}

/** The type and base64 payload of a data URL the client made itself (see `toDataUrl`). */
export function splitDataUrl(url: string): { mimeType: string; base64: string } {
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  if (!header.startsWith('data:') || !header.endsWith(';base64')) throw new Error('not a base64 data URL');
  return { mimeType: header.slice('data:'.length, -';base64'.length), base64: url.slice(comma + 1) };
}
