import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Gaussian noise, so that encoders cannot compress it to nothing. `smooth` noise is drawn at a tenth of the
 * size and scaled up: big as a PNG, small as a JPEG, like a photo.
 */
export async function noiseImage(
  width: number,
  height: number,
  options: { alpha?: boolean; smooth?: boolean; format?: 'png' | 'jpeg' | 'webp' | 'gif'; pngLevel?: number } = {},
): Promise<Buffer> {
  const channels = options.alpha ? 4 : 3;
  const drawn = options.smooth ? { width: Math.ceil(width / 10), height: Math.ceil(height / 10) } : { width, height };
  let image = sharp({
    create: {
      ...drawn,
      channels,
      background: { r: 128, g: 128, b: 128, alpha: 0.6 },
      noise: { type: 'gaussian', mean: 128, sigma: options.smooth ? 60 : 40 },
    },
  });
  if (options.smooth) {
    image = sharp(await image.png().toBuffer()).resize(width, height, { kernel: 'cubic', fit: 'fill' });
  }
  switch (options.format ?? 'png') {
    case 'png':
      return image.png({ compressionLevel: options.pngLevel ?? 6 }).toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 92 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 90 }).toBuffer();
    case 'gif':
      return image.gif().toBuffer();
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, checksum]);
}

/** A valid PNG header (IHDR) claiming `width`×`height` RGB pixels, followed by one row of data: a pixel bomb. */
export function pngClaimingSize(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(width * 3 + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Mean of each channel (r, g, b), from sharp's statistics. */
export async function meanColour(bytes: Uint8Array): Promise<{ r: number; g: number; b: number }> {
  const { channels } = await sharp(bytes).stats();
  return { r: channels[0]?.mean ?? 0, g: channels[1]?.mean ?? 0, b: channels[2]?.mean ?? 0 };
}

/** Mean absolute difference per channel value (0..255) between two images, both scaled to 64×64. */
export async function pixelDifference(first: Uint8Array, second: Uint8Array): Promise<number> {
  const sample = (bytes: Uint8Array) => sharp(bytes).resize(64, 64, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const [a, b] = await Promise.all([sample(first), sample(second)]);
  let total = 0;
  for (let index = 0; index < a.length; index += 1) total += Math.abs((a[index] ?? 0) - (b[index] ?? 0));
  return total / a.length;
}

export function sameBytes(first: Uint8Array, second: Uint8Array): boolean {
  return (
    Buffer.compare(
      Buffer.from(first.buffer, first.byteOffset, first.byteLength),
      Buffer.from(second.buffer, second.byteOffset, second.byteLength),
    ) === 0
  );
}
