import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImagineRequest } from '../../src/core/imagine-request.js';
import { createModelCatalogue, type ModelOverride } from '../../src/core/models/model-catalogue.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { ImageApiError } from '../../src/providers/image-api-error.js';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { encodePng } from '../fakes/fake-image-api-png.js';
import { noiseImage, pngClaimingSize } from '../images/image-fixtures.js';
import { createFakeApiProvider, type FakeApiProvider } from '../support/fake-api-provider.js';

/** Every generated image is decoded and checked once, in the provider, before anything keeps or bills it. */
let fake: FakeImageApi;
let client: FakeApiProvider;

beforeAll(async () => {
  fake = await startFakeImageApi();
  client = createFakeApiProvider(fake.url);
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.reset();
});
afterAll(async () => {
  await client.close();
  await fake.close();
});

const validated = (input: ImagineRequest, overrides: ModelOverride[] = []) =>
  validateRequest(input, {
    catalogue: createModelCatalogue(overrides),
    defaultModel: 'gemini-2.5-flash-image',
    randomSeed: () => 7,
  }).request;

async function refusal(input: ImagineRequest, overrides: ModelOverride[] = []): Promise<ImageApiError> {
  const error = await client.provider.generate(validated(input, overrides)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageApiError);
  const failure = error as ImageApiError;
  expect(failure.code).toBe('invalid_response');
  expect(failure.memberMessage).toBe(
    'The image service sent back something that is not a usable image. Please try again.',
  );
  expect(failure.details.requestId).toBe(fake.requests.find((request) => request.method === 'POST')?.requestId);
  return failure;
}

describe('outputs are verified at generation', () => {
  it('refuses a PNG whose header claims 40000×40000 pixels, before decoding any of them', async () => {
    fake.enqueue({ kind: 'b64-of-size', bytes: pngClaimingSize(40_000, 40_000) });
    const failure = await refusal({ prompt: 'a lighthouse' });
    expect(failure.message).toBe(
      "image API result claims 40000×40000 pixels, past the model's limits (1980 per side, 1638400 pixels)",
    );
  });

  it('stops reading 60 MB of junk behind a PNG signature at the model’s cap on decoded bytes', async () => {
    fake.enqueue({ kind: 'junk-image', bytes: 60_000_000 });
    const failure = await refusal({ prompt: 'a lighthouse' });
    expect(failure.message).toBe("image API answered an image past the model's cap of 10000000 decoded bytes");
  });

  it('refuses a truncated image, whose header alone looks fine', async () => {
    const whole = await noiseImage(64, 64);
    fake.enqueue({ kind: 'b64-of-size', bytes: whole.subarray(0, Math.floor(whole.length / 2)) });
    const failure = await refusal({ prompt: 'a lighthouse' });
    expect(failure.message).toMatch(/^image API result does not decode \(/);
  });

  it('refuses an image larger than the model makes, and keeps the same image from a model that makes it', async () => {
    const large = encodePng(2100, 1400, () => [90, 120, 150]);
    fake.enqueue({ kind: 'b64-of-size', bytes: large });
    const failure = await refusal({ prompt: 'a lighthouse', model: 'nano-banana' });
    expect(failure.message).toContain('claims 2100×1400 pixels');

    fake.enqueue({ kind: 'b64-of-size', bytes: large });
    const result = await client.provider.generate(validated({ prompt: 'a lighthouse', model: 'nano-banana-pro' }));
    expect(result.images).toEqual([expect.objectContaining({ mimeType: 'image/png', width: 2100, height: 1400 })]);
  });

  it('downloads a result URL only up to the model’s cap on output bytes', async () => {
    const seedream: ModelOverride[] = [{ id: 'doubao-seedream-4-0-250828', maxOutputBytes: 100_000 }];
    const big = await noiseImage(256, 256);
    expect(big.length).toBeGreaterThan(100_000);
    const answering = await startFakeImageApi({ imageBytes: big });
    const own = createFakeApiProvider(answering.url);
    try {
      const error = await own.provider
        .generate(validated({ prompt: 'dunes', model: 'seedream-4' }, seedream))
        .catch((caught: unknown) => caught as ImageApiError);
      expect(error).toBeInstanceOf(ImageApiError);
      expect((error as ImageApiError).message).toMatch(
        /^download refused: http:\/\/127\.0\.0\.1:\d+\/files\/img-1\.png is larger than 100000 bytes/,
      );
    } finally {
      await own.close();
      await answering.close();
    }
  });

  it('keeps the good images of a request and says how many were refused', async () => {
    fake.enqueue({ kind: 'b64-of-size', bytes: pngClaimingSize(40_000, 40_000) });
    const result = await client.provider.generate(
      validated({ prompt: 'two foxes', model: 'qwen-image-plus', count: 2 }),
    );
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({ mimeType: 'image/png', width: 64, height: 64 });
    expect(result.notices).toEqual([
      '1 of the 2 images could not be made: The image service sent back something that is not a usable image. Please try again.',
    ]);
  });
});
