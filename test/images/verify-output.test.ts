import { describe, expect, it } from 'vitest';
import { createImagePipeline, OutputRejectedError } from '../../src/images/image-pipeline.js';
import { noiseImage, pngClaimingSize } from './image-fixtures.js';

const pipeline = createImagePipeline();
const check = { maxSide: 2048, maxPixels: 2048 * 1536, maxBytes: 5_000_000 };

describe('ImagePipeline.verifyOutput', () => {
  it('returns the type and size of a complete image within the limits', async () => {
    const webp = await noiseImage(300, 200, { format: 'webp' });
    await expect(pipeline.verifyOutput(webp, check)).resolves.toEqual({
      mimeType: 'image/webp',
      width: 300,
      height: 200,
    });
  });

  it.each<[string, () => Promise<Uint8Array>, string]>([
    [
      'a header past the size limit',
      async () => pngClaimingSize(40_000, 40_000),
      'result claims 40000×40000 pixels, past the model’s',
    ],
    [
      'more pixels than the limit within the side',
      async () => pngClaimingSize(2048, 2048),
      'result claims 2048×2048 pixels',
    ],
    ['more bytes than the cap', async () => noiseImage(1400, 1400), 'bytes, over the model’s 5000000-byte cap'],
    [
      'text behind no signature',
      async () => Buffer.from('{"error":"no"}'),
      'result is not a PNG, JPEG, WEBP or GIF image (unknown bytes)',
    ],
    [
      'a TIFF (no platform shows it)',
      async () => noiseImage(10, 10).then((png) => Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0]), png])),
      'image/tiff',
    ],
    [
      'a truncated PNG',
      async () => noiseImage(200, 200).then((png) => png.subarray(0, png.length / 2)),
      'result does not decode (',
    ],
  ])('refuses %s', async (_name, make, message) => {
    const error = await pipeline.verifyOutput(await make(), check).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputRejectedError);
    expect((error as Error).message.replace(/'/g, '’')).toContain(message);
  });
});
