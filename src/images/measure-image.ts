import sharp from 'sharp';

/** Width and height from the image header only (no decode); undefined when the header cannot be read. */
export async function measureImage(bytes: Uint8Array): Promise<{ width: number; height: number } | undefined> {
  try {
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    return metadata.width && metadata.height ? { width: metadata.width, height: metadata.height } : undefined;
  } catch {
    return undefined;
  }
}
