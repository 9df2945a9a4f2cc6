import { createHash } from 'node:crypto';
import type { FakeGenerationRequest } from '../fakes/fake-image-api.js';
import { encodePng } from '../fakes/fake-image-api-png.js';

/**
 * A `b64Image` hook for the fake image API: every image it answers is a different PNG (a colour from a counter), so
 * a test can tell which earlier output a request carried.
 */
export function distinctFakeImages(size = 32): (request: FakeGenerationRequest) => Uint8Array {
  let counter = 0;
  return () => {
    const index = ++counter;
    return encodePng(size, size, (x, y) => [(index * 67) % 256, (index * 131 + x) % 256, (index * 29 + y) % 256]);
  };
}

/** The image bytes of every `data:` URL in a recorded request body (Gemini `contents[].parts[].image` and others). */
export function dataUrlImages(body: unknown): Buffer[] {
  const found: Buffer[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const match = /^data:[\w/+.-]+;base64,(.*)$/s.exec(value);
      if (match?.[1] !== undefined) found.push(Buffer.from(match[1], 'base64'));
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item);
    }
  };
  visit(body);
  return found;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
