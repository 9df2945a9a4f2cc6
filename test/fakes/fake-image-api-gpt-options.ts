import { readImageSize } from '../../src/images/image-size.js';
import { type Body, isObject, type Problems } from './fake-image-api-fields.js';
import { describe } from './fake-image-api-images.js';
import type { FakeFormPart } from './fake-image-api-types.js';

/**
 * GPT Image's output fields, as OpenAI checks them (values arrive as strings in multipart): `background`,
 * `output_format`, `output_compression` (only for JPEG and WEBP), `moderation`; a transparent background needs a
 * format with alpha.
 */
export function checkGptOutputOptions(body: Body, problems: Problems): void {
  problems.oneOf(body, 'background', ['transparent', 'opaque', 'auto']);
  problems.oneOf(body, 'output_format', ['png', 'jpeg', 'webp']);
  problems.oneOf(body, 'moderation', ['auto', 'low']);
  const compression = body['output_compression'];
  if (compression !== undefined) {
    const value = Number(compression);
    if (!Number.isInteger(value) || value < 0 || value > 100) {
      problems.add(`output_compression must be an integer in 0..100, got ${describe(compression)}`);
    }
    if (body['output_format'] !== 'jpeg' && body['output_format'] !== 'webp') {
      problems.add('output_compression is only supported for the jpeg and webp output formats');
    }
  }
  if (body['background'] === 'transparent' && body['output_format'] === 'jpeg') {
    problems.add('a transparent background needs output_format png or webp, not jpeg');
  }
}

/**
 * An edit's `mask` (a multipart file, or JSON `{image_url}`): OpenAI wants a PNG with an alpha channel of exactly the
 * first image's size.
 */
export function checkMask(parts: readonly FakeFormPart[] | undefined, fields: Body, problems: Problems): void {
  const mask = parts ? parts.find((part) => part.name === 'mask')?.bytes : bytesOfUrl(jsonUrl(fields['mask']));
  if (!mask) {
    if (fields['mask'] !== undefined)
      problems.add(`mask must be {image_url: "<data URL>"}, got ${describe(fields['mask'])}`);
    return;
  }
  const first = parts
    ? parts.find((part) => /^image(\[\d*\])?$/.test(part.name))?.bytes
    : bytesOfUrl(jsonUrl(Array.isArray(fields['images']) ? fields['images'][0] : undefined));
  if (!isPng(mask)) {
    problems.add('mask must be a PNG file');
    return;
  }
  if (!hasAlpha(mask)) problems.add('mask must have an alpha channel (transparent pixels mark what to edit)');
  const maskSize = readImageSize(mask);
  const imageSize = first ? readImageSize(first) : undefined;
  if (!imageSize || maskSize?.width !== imageSize.width || maskSize.height !== imageSize.height) {
    problems.add(
      `mask must have the first image's size (${imageSize?.width}x${imageSize?.height}), got ${maskSize?.width}x${maskSize?.height}`,
    );
  }
}

function jsonUrl(value: unknown): string | undefined {
  const url = isObject(value) ? value['image_url'] : undefined;
  return typeof url === 'string' ? url : undefined;
}

function bytesOfUrl(url: string | undefined): Buffer | undefined {
  const comma = url?.indexOf(',') ?? -1;
  return url?.startsWith('data:') && comma > 0 ? Buffer.from(url.slice(comma + 1), 'base64') : undefined;
}

const isPng = (bytes: Uint8Array) => bytes.length > 26 && bytes[0] === 0x89 && bytes[1] === 0x50;

/** Colour type 4 (grey + alpha) or 6 (RGBA), or a `tRNS` chunk (a palette with transparency). */
function hasAlpha(png: Uint8Array): boolean {
  if (png[25] === 4 || png[25] === 6) return true;
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength).includes('tRNS', 0, 'latin1');
}
