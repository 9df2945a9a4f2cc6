import sharp from 'sharp';
import { readImageSize } from './image-size.js';

/** Width and height from the image header: read in JS for the common formats, else by sharp (no full decode). */
export async function measureImage(bytes: Uint8Array): Promise<{ width: number; height: number } | undefined> {
  const fromHeader = readImageSize(bytes);
  if (fromHeader && fromHeader.width > 0 && fromHeader.height > 0) return fromHeader;
  try {
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    return metadata.width && metadata.height ? { width: metadata.width, height: metadata.height } : undefined;
  } catch {
    return undefined;
  }
}
