import { createHash } from 'node:crypto';
import { encodePng } from '../test/fakes/fake-image-api-png.js';

/**
 * A small PNG of its own per prompt (64×64, a few hundred bytes): every job then writes a new blob file, as real
 * generations do, instead of finding the fake's one default image already stored.
 */
export function benchImageFor(body: Readonly<Record<string, unknown>>): Uint8Array {
  const prompt = typeof body['prompt'] === 'string' ? body['prompt'] : JSON.stringify(body);
  const digest = createHash('sha256').update(prompt).digest();
  const [red = 0, green = 0, blue = 0] = digest;
  return encodePng(64, 64, (x, y) => {
    // The first row carries the digest itself, so two prompts never share an image.
    if (y === 0 && x < 10) return [digest[x * 3] ?? 0, digest[x * 3 + 1] ?? 0, digest[x * 3 + 2] ?? 0];
    return [(red + x * 2) & 255, (green + y * 2) & 255, blue];
  });
}
