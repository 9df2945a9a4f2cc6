import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import { noiseImage, pngClaimingSize } from './image-fixtures.js';

const pipeline = createImagePipeline();

describe('ImagePipeline.inspect', () => {
  it('reports the sniffed type, the displayed size and transparency', async () => {
    const png = await noiseImage(120, 80, { alpha: true });
    await expect(pipeline.inspect(png)).resolves.toEqual({
      mimeType: 'image/png',
      width: 120,
      height: 80,
      hasAlpha: true,
    });
  });

  it('reports width and height as displayed for a JPEG rotated by EXIF', async () => {
    const rotated = await sharp(await noiseImage(120, 80, { format: 'jpeg' }))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    await expect(pipeline.inspect(rotated)).resolves.toMatchObject({ mimeType: 'image/jpeg', width: 80, height: 120 });
  });

  it('turns away a text file as not an image, naming it', async () => {
    const text = new TextEncoder().encode('just some notes, not a picture\n');
    await expect(pipeline.inspect(text, 'notes.txt')).rejects.toMatchObject({
      name: 'UserFacingError',
      code: 'not_an_image',
      message: 'notes.txt is not an image I can read; send a PNG, JPEG, WEBP or GIF.',
    });
  });

  it('never decodes SVG: it is not an image format members may send', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(pipeline.inspect(svg)).rejects.toMatchObject({ code: 'not_an_image' });
  });

  it('refuses a pixel bomb from its header, with its real size', async () => {
    await expect(pipeline.inspect(pngClaimingSize(30_000, 30_000), 'huge.png')).rejects.toMatchObject({
      code: 'image_too_many_pixels',
      message: 'huge.png is 30000×30000 pixels; the limit is 40 megapixels.',
    });
  });

  it('honours a lower pixel limit', async () => {
    const small = createImagePipeline({ maxPixels: 10_000 });
    await expect(small.inspect(await noiseImage(200, 100))).rejects.toMatchObject({
      code: 'image_too_many_pixels',
      message: 'That image is 200×100 pixels; the limit is 0.01 megapixels.',
    });
  });

  it('reports a truncated PNG as corrupt', async () => {
    const png = await noiseImage(300, 300);
    await expect(pipeline.inspect(png.subarray(0, png.length / 2), 'cut.png')).rejects.toMatchObject({
      code: 'image_corrupt',
      message: 'cut.png could not be read: the PNG data is damaged or incomplete. Try exporting it again.',
    });
  });

  it('reports a truncated JPEG as corrupt', async () => {
    const jpeg = await noiseImage(300, 300, { format: 'jpeg' });
    await expect(pipeline.inspect(jpeg.subarray(0, jpeg.length / 2))).rejects.toMatchObject({ code: 'image_corrupt' });
  });

  it('reports a PNG signature followed by garbage as corrupt', async () => {
    const garbage = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    await expect(pipeline.inspect(garbage)).rejects.toMatchObject({ code: 'image_corrupt' });
  });
});
