import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ConcurrencyLimit } from '../../src/images/concurrency-limit.js';
import { createConcurrencyLimit } from '../../src/images/concurrency-limit.js';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import { noiseImage, sameBytes } from './image-fixtures.js';

const MiB = 1024 * 1024;
const pipeline = createImagePipeline();

describe('ImagePipeline.prepareOutput', () => {
  it('uploads an image that fits untouched', async () => {
    const png = await noiseImage(320, 200);
    const prepared = await pipeline.prepareOutput(png, { maxBytes: 10 * MiB });
    expect(prepared).toMatchObject({ mimeType: 'image/png', width: 320, height: 200, reencoded: false });
    expect(sameBytes(prepared.bytes, png)).toBe(true);
  });

  it('reads only the header of an image that fits: it was decoded and checked when it was generated', async () => {
    let operations = 0;
    const inner = createConcurrencyLimit(1);
    const counting = createImagePipeline({
      limit: {
        get active() {
          return inner.active;
        },
        get pending() {
          return inner.pending;
        },
        run: (task, options) => {
          operations += 1;
          return inner.run(task, options);
        },
      },
    });
    const whole = await noiseImage(320, 200);
    // Cut short: a decode would fail; the header alone is fine, and delivery no longer decodes.
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    const prepared = await counting.prepareOutput(truncated, { maxBytes: 10 * MiB });
    expect(prepared).toMatchObject({ mimeType: 'image/png', width: 320, height: 200, reencoded: false });
    expect(sameBytes(prepared.bytes, truncated)).toBe(true);
    expect(operations).toBe(1);
  });

  it('tries lossless PNG at maximum compression before any lossy format', async () => {
    const loose = await noiseImage(600, 400, { smooth: true, pngLevel: 0 });
    const tight = await sharp(loose).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
    const maxBytes = Math.round((loose.byteLength + tight.byteLength) / 2);
    const prepared = await pipeline.prepareOutput(loose, { maxBytes });
    expect(prepared).toMatchObject({ mimeType: 'image/png', width: 600, height: 400, reencoded: true });
    expect(prepared.bytes.byteLength).toBeLessThanOrEqual(maxBytes);
    const [before, after] = await Promise.all([sharp(loose).raw().toBuffer(), sharp(prepared.bytes).raw().toBuffer()]);
    expect(before.equals(after)).toBe(true);
  });

  it('falls back to JPEG at full size when PNG cannot fit', async () => {
    const png = await noiseImage(1000, 700, { smooth: true });
    const maxBytes = 1_000_000;
    const prepared = await pipeline.prepareOutput(png, { maxBytes });
    expect(prepared).toMatchObject({ mimeType: 'image/jpeg', width: 1000, height: 700, reencoded: true });
    expect(prepared.bytes.byteLength).toBeLessThanOrEqual(maxBytes);
  });

  it('uses WEBP for a transparent image that PNG cannot fit, keeping the transparency', async () => {
    const png = await noiseImage(600, 400, { alpha: true });
    const maxBytes = Math.round(png.byteLength / 3);
    const prepared = await pipeline.prepareOutput(png, { maxBytes });
    expect(prepared.mimeType).toBe('image/webp');
    expect(prepared.bytes.byteLength).toBeLessThanOrEqual(maxBytes);
    await expect(sharp(prepared.bytes).metadata()).resolves.toMatchObject({ hasAlpha: true });
  });

  it('downscales as a last resort and always ends under the cap', async () => {
    const png = await noiseImage(1000, 1000);
    const maxBytes = 60_000;
    const prepared = await pipeline.prepareOutput(png, { maxBytes, formats: ['image/png', 'image/jpeg'] });
    expect(prepared.mimeType).toBe('image/jpeg');
    expect(prepared.bytes.byteLength).toBeLessThanOrEqual(maxBytes);
    expect(prepared.width).toBeLessThan(1000);
    expect(prepared.width).toBe(prepared.height);
    await expect(sharp(prepared.bytes).metadata()).resolves.toMatchObject({
      width: prepared.width,
      height: prepared.height,
    });
  });

  it('converts a format the platform does not show even when it fits', async () => {
    const webp = await noiseImage(200, 150, { format: 'webp', smooth: true });
    const prepared = await pipeline.prepareOutput(webp, { maxBytes: 10 * MiB, formats: ['image/png', 'image/jpeg'] });
    expect(prepared).toMatchObject({ mimeType: 'image/png', width: 200, height: 150, reencoded: true });
  });

  it('throws a clear error when nothing can fit', async () => {
    const png = await noiseImage(100, 100);
    await expect(pipeline.prepareOutput(png, { maxBytes: 10 })).rejects.toMatchObject({
      code: 'output_too_large',
      message: 'The image could not be made smaller than 1 KB for upload.',
    });
  });
});

describe('the concurrency limit of the pipeline', () => {
  it('runs every sharp operation under the limit, never more than its size at once', async () => {
    const inner = createConcurrencyLimit(2);
    let running = 0;
    let mostRunning = 0;
    let operations = 0;
    const observed: ConcurrencyLimit = {
      get active() {
        return inner.active;
      },
      get pending() {
        return inner.pending;
      },
      run: (task, options) =>
        inner.run(async () => {
          operations += 1;
          running += 1;
          mostRunning = Math.max(mostRunning, running);
          try {
            return await task();
          } finally {
            running -= 1;
          }
        }, options),
    };
    const limited = createImagePipeline({ limit: observed });
    const images = await Promise.all(Array.from({ length: 3 }, () => noiseImage(400, 400, { smooth: true })));

    const prepared = await Promise.all([
      ...images.map((image) => limited.prepareOutput(image, { maxBytes: 200_000 })),
      ...images.map((image) => limited.prepareInput({ bytes: image }, { formats: ['image/jpeg'], maxBytes: MiB })),
    ]);

    expect(prepared).toHaveLength(6);
    // Outputs: a header read and at least one encode; inputs: an inspection (header + decode) and an encode.
    expect(operations).toBeGreaterThanOrEqual(15);
    expect(mostRunning).toBe(2);
  });
});
