import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImageSize } from '../../src/images/image-size.js';

describe('readImageSize', () => {
  const base = () => sharp({ create: { width: 321, height: 123, channels: 4, background: '#3366aa80' } });

  it.each([
    ['png', () => base().png().toBuffer()],
    ['jpeg', () => base().jpeg({ quality: 80 }).toBuffer()],
    ['progressive jpeg', () => base().jpeg({ progressive: true }).toBuffer()],
    ['gif', () => base().gif().toBuffer()],
    ['lossy webp', () => base().webp({ quality: 80 }).toBuffer()],
    ['lossless webp', () => base().webp({ lossless: true }).toBuffer()],
  ])('reads the size of a %s from its header', async (_name, make) => {
    expect(readImageSize(await make())).toEqual({ width: 321, height: 123 });
  });

  it('answers undefined for what it cannot read', () => {
    expect(readImageSize(Buffer.from('not an image'))).toBeUndefined();
    expect(readImageSize(new Uint8Array([0xff, 0xd8, 0x00]))).toBeUndefined();
  });
});
