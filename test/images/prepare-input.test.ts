import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import { noiseImage, pixelDifference, sameBytes } from './image-fixtures.js';

const MB = 1_000_000;
const MiB = 1024 * 1024;
/** Gemini's input limits (docs/image-api.md). */
const gemini = { formats: ['image/png', 'image/jpeg', 'image/webp'], maxBytes: 7 * MB };
const pngOrJpeg = { formats: ['image/png', 'image/jpeg'], maxBytes: 10 * MB };
const pipeline = createImagePipeline();

describe('ImagePipeline.prepareInput', () => {
  it('hands an accepted image that fits to the model byte for byte', async () => {
    const png = await noiseImage(400, 300);
    const prepared = await pipeline.prepareInput({ bytes: png, name: 'cat.png' }, gemini);
    expect(prepared.mimeType).toBe('image/png');
    expect(prepared.name).toBe('cat.png');
    expect(sameBytes(prepared.bytes, png)).toBe(true);
  });

  it('re-encodes a PNG that is too large as JPEG at full size when that fits', async () => {
    const png = await noiseImage(1000, 800, { smooth: true });
    expect(png.byteLength).toBeGreaterThan(MB);
    const prepared = await pipeline.prepareInput({ bytes: png }, { ...gemini, maxBytes: MB });
    expect(prepared.mimeType).toBe('image/jpeg');
    expect(prepared.bytes.byteLength).toBeLessThanOrEqual(MB);
    const metadata = await sharp(prepared.bytes).metadata();
    expect([metadata.width, metadata.height]).toEqual([1000, 800]);
    expect(await pixelDifference(prepared.bytes, png)).toBeLessThan(4);
  });

  it('keeps a transparent image as PNG when maximum compression makes it fit', async () => {
    const loose = await noiseImage(500, 400, { alpha: true, smooth: true, pngLevel: 0 });
    const tight = await sharp(loose).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
    const maxBytes = Math.round((loose.byteLength + tight.byteLength) / 2);
    const prepared = await pipeline.prepareInput({ bytes: loose }, { ...pngOrJpeg, maxBytes });
    expect(prepared.mimeType).toBe('image/png');
    expect(prepared.bytes.byteLength).toBeLessThanOrEqual(maxBytes);
    await expect(sharp(prepared.bytes).metadata()).resolves.toMatchObject({ width: 500, height: 400, hasAlpha: true });
  });

  it('downscales only when no quality step fits, and keeps the aspect ratio', async () => {
    const png = await noiseImage(1000, 800);
    const maxBytes = 150_000;
    const prepared = await pipeline.prepareInput({ bytes: png }, { ...gemini, maxBytes });
    expect(prepared.mimeType).toBe('image/jpeg');
    expect(prepared.bytes.byteLength).toBeLessThanOrEqual(maxBytes);
    const { width, height } = await sharp(prepared.bytes).metadata();
    expect(width).toBeLessThan(1000);
    expect(width).toBeGreaterThan(300);
    expect(width / height).toBeCloseTo(1000 / 800, 1);
  });

  it('converts a WEBP for a model that does not take WEBP', async () => {
    const webp = await noiseImage(300, 200, { format: 'webp', smooth: true });
    const prepared = await pipeline.prepareInput({ bytes: webp, name: 'photo.webp' }, pngOrJpeg);
    expect(prepared.mimeType).toBe('image/jpeg');
    expect(prepared.name).toBe('photo.webp');
    await expect(sharp(prepared.bytes).metadata()).resolves.toMatchObject({ format: 'jpeg', width: 300, height: 200 });
  });

  it('converts a transparent WEBP to PNG so that its transparency survives', async () => {
    const webp = await noiseImage(200, 100, { format: 'webp', alpha: true, smooth: true });
    const prepared = await pipeline.prepareInput({ bytes: webp }, pngOrJpeg);
    expect(prepared.mimeType).toBe('image/png');
    await expect(sharp(prepared.bytes).metadata()).resolves.toMatchObject({ hasAlpha: true });
  });

  it('keeps the first frame of an animated GIF for a model that does not take GIF', async () => {
    const frames = await Promise.all([noiseImage(120, 90, { format: 'png' }), noiseImage(120, 90, { format: 'png' })]);
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const prepared = await pipeline.prepareInput({ bytes: gif }, gemini);
    expect(prepared.mimeType).not.toBe('image/gif');
    await expect(sharp(prepared.bytes).metadata()).resolves.toMatchObject({ width: 120, height: 90 });
  });

  it('refuses anything over the raw input cap before decoding it, naming the file and both sizes', async () => {
    const huge = new Uint8Array(40 * MiB);
    huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expect(pipeline.prepareInput({ bytes: huge, name: 'in.png' }, gemini)).rejects.toMatchObject({
      code: 'image_too_large',
      message: 'in.png is 40 MB; images up to 25 MB are accepted.',
    });
  });

  it('passes on the errors of inspection: text is not an image', async () => {
    const text = new TextEncoder().encode('hello');
    await expect(pipeline.prepareInput({ bytes: text, name: 'readme.txt' }, gemini)).rejects.toMatchObject({
      code: 'not_an_image',
      message: expect.stringContaining('readme.txt'),
    });
  });

  it('refuses a truncated PNG even when it would fit as it is', async () => {
    const png = await noiseImage(300, 300);
    await expect(pipeline.prepareInput({ bytes: png.subarray(0, png.length - 200) }, gemini)).rejects.toMatchObject({
      code: 'image_corrupt',
    });
  });
});
