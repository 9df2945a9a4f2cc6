import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImagineRequest } from '../../src/core/imagine-request.js';
import { builtinModels } from '../../src/core/models/builtin-models.js';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { createImageDownloader, type ImageDownloader } from '../../src/download/image-downloader.js';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import { sniffImageType } from '../../src/images/image-type.js';
import { createHttpImageProvider, type HttpImageProvider } from '../../src/providers/http-image-provider.js';
import { ImageApiError } from '../../src/providers/image-api-error.js';
import { type FakeImageApi, type RecordedRequest, startFakeImageApi } from '../fakes/fake-image-api.js';
import { noiseImage, sameBytes } from '../images/image-fixtures.js';

const catalogue = createModelCatalogue();
const pipeline = createImagePipeline();

/** Builds the request the way the bot does: through validation against the real catalogue. */
function validated(input: ImagineRequest) {
  return validateRequest(input, { catalogue, defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 1234 });
}

/** The bytes of a `data:<type>;base64,<payload>` URL, and the type it declares. */
function decodeDataUrl(value: unknown): { mimeType: string; bytes: Buffer } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(String(value));
  if (!match) throw new Error(`not a base64 data URL: ${String(value).slice(0, 40)}`);
  return { mimeType: match[1] as string, bytes: Buffer.from(match[2] as string, 'base64') };
}

type Body = Record<string, unknown> & { contents?: { role: string; parts: Record<string, unknown>[] }[] };
const bodyOf = (request: RecordedRequest | undefined) => request?.body as Body;
const generations = (fake: FakeImageApi) =>
  fake.requests.filter((request) => request.path === '/v1/images/generations');

let fake: FakeImageApi;
let downloader: ImageDownloader;
let provider: HttpImageProvider;
let resultPng: Buffer;
let inputPng: Buffer;

beforeAll(async () => {
  [resultPng, inputPng] = await Promise.all([
    sharp({ create: { width: 48, height: 32, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer(),
    noiseImage(96, 64),
  ]);
  fake = await startFakeImageApi({ imageBytes: resultPng });
  downloader = createImageDownloader({ allowPrivate: true });
  provider = createHttpImageProvider({ baseUrl: fake.url, apiKey: 'sk-test', pipeline, downloader });
});

afterAll(async () => {
  await provider.close();
  await downloader.close();
  await fake.close();
});

afterEach(() => {
  const violations = [...fake.violations];
  const sent = generations(fake);
  fake.reset();
  expect(violations).toEqual([]);
  for (const request of sent) {
    expect(request.method).toBe('POST');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.headers['content-type']).toBe('application/json');
  }
});

describe('HTTP image provider against the fake image API: every family', () => {
  it('asks Gemini 2.5 Flash for an aspect ratio without image_size and returns the decoded PNG', async () => {
    const { request } = validated({ prompt: 'orange kitten in a garden', model: 'nano-banana', aspectRatio: '16:9' });

    const result = await provider.generate(request);

    expect(generations(fake)).toHaveLength(1);
    expect(bodyOf(fake.requests[0])).toEqual({
      model: 'gemini-2.5-flash-image',
      prompt: 'orange kitten in a garden',
      size: '16:9',
      n: 1,
      response_format: 'b64_json',
    });
    expect(result.images).toHaveLength(1);
    expect(sameBytes(result.images[0]?.bytes ?? new Uint8Array(), resultPng)).toBe(true);
    expect(result.images[0]?.mimeType).toBe('image/png');
    expect(result.images[0]?.seed).toBeUndefined();
    expect(result.requestIds).toEqual([fake.requests[0]?.requestId]);
    expect(result.offline).toBe(false);
  });

  it('sends image_size to Gemini 3 Pro', async () => {
    const { request } = validated({ prompt: 'a lighthouse', model: 'gemini-3-pro-image-preview', size: '2K' });

    await provider.generate(request);

    expect(bodyOf(fake.requests[0])).toMatchObject({
      model: 'gemini-3-pro-image-preview',
      size: '1:1',
      image_size: '2K',
      response_format: 'b64_json',
    });
  });

  it('puts a Gemini edit in one user turn: the instruction, then the input image unchanged', async () => {
    const { request } = validated({
      prompt: 'make it night time',
      model: 'gemini-3-pro-image-preview',
      inputImages: [{ bytes: inputPng, mimeType: 'image/png' }],
    });

    await provider.generate(request);

    const body = bodyOf(fake.requests[0]);
    expect(body.prompt).toBeUndefined();
    expect(body.contents).toHaveLength(1);
    const [text, image] = body.contents?.[0]?.parts ?? [];
    expect(body.contents?.[0]?.role).toBe('user');
    expect(text).toEqual({ text: 'make it night time' });
    const sent = decodeDataUrl(image?.['image']);
    expect(sent.mimeType).toBe('image/png');
    expect(sameBytes(sent.bytes, inputPng)).toBe(true);
  });

  it('re-encodes an input over Gemini’s 7 MB limit to fit before sending it', async () => {
    const large = await noiseImage(1900, 1900, { pngLevel: 1 });
    expect(large.byteLength).toBeGreaterThan(8_000_000);
    const { request } = validated({
      prompt: 'add a moon',
      model: 'gemini-2.5-flash-image',
      inputImages: [{ bytes: large, mimeType: 'image/png' }],
    });

    await provider.generate(request);

    const sent = decodeDataUrl(bodyOf(fake.requests[0]).contents?.[0]?.parts[1]?.['image']);
    expect(sent.bytes.byteLength).toBeLessThanOrEqual(7_000_000);
    expect(sent.mimeType).toBe(sniffImageType(sent.bytes)?.mimeType);
    expect((await sharp(sent.bytes).metadata()).width).toBeGreaterThan(0);
  });

  it('downloads a Seedream 4.0 URL result at once and carries the seed it sent', async () => {
    const { request } = validated({
      prompt: 'same character at night',
      model: 'seedream-4',
      aspectRatio: '16:9',
      seed: 42,
    });

    const result = await provider.generate(request);

    expect(bodyOf(fake.requests[0])).toEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'same character at night',
      size: '2560x1440',
      watermark: false,
      seed: 42,
      response_format: 'url',
    });
    expect(fake.requests.map((recorded) => `${recorded.method} ${recorded.path.split('/')[1]}`)).toEqual([
      'POST v1',
      'GET files',
    ]);
    expect(result.images).toHaveLength(1);
    expect(sameBytes(result.images[0]?.bytes ?? new Uint8Array(), resultPng)).toBe(true);
    expect(result.images[0]).toMatchObject({ mimeType: 'image/png', seed: 42 });
  });

  it('sends Seedream 4.5 several input images as an array for fusion', async () => {
    const second = await noiseImage(40, 40, { format: 'jpeg' });
    const { request } = validated({
      prompt: 'put both in one scene',
      model: 'seedream-4.5',
      seed: 5,
      inputImages: [
        { bytes: inputPng, mimeType: 'image/png' },
        { bytes: second, mimeType: 'image/jpeg' },
      ],
    });

    await provider.generate(request);

    const images = bodyOf(fake.requests[0]).image as string[];
    expect(images.map((image) => decodeDataUrl(image).mimeType)).toEqual(['image/png', 'image/jpeg']);
    expect(sameBytes(decodeDataUrl(images[0]).bytes, inputPng)).toBe(true);
    expect(sameBytes(decodeDataUrl(images[1]).bytes, second)).toBe(true);
  });

  it('sends SeedEdit its one input image as a string with an adaptive size', async () => {
    const { request } = validated({
      prompt: 'make the sky pink',
      model: 'seededit',
      seed: 9,
      inputImages: [{ bytes: inputPng, mimeType: 'image/png' }],
    });

    const result = await provider.generate(request);

    const body = bodyOf(fake.requests[0]);
    expect(body).toMatchObject({ model: 'doubao-seededit-3-0-i2i-250628', size: 'adaptive', seed: 9 });
    expect(sameBytes(decodeDataUrl(body.image).bytes, inputPng)).toBe(true);
    expect(result.images[0]).toMatchObject({ mimeType: 'image/png', seed: 9 });
  });

  it('asks GPT Image for two images in one call at the nearest of its sizes', async () => {
    const { request, notices } = validated({
      prompt: 'a poster',
      model: 'gpt-image-1',
      count: 2,
      aspectRatio: '16:9',
      quality: 'high',
    });
    expect(notices.map((notice) => notice.code)).toContain('size_adjusted');

    const result = await provider.generate(request);

    expect(generations(fake)).toHaveLength(1);
    expect(bodyOf(fake.requests[0])).toEqual({
      model: 'gpt-image-1',
      prompt: 'a poster',
      size: '1536x1024',
      quality: 'high',
      n: 2,
    });
    expect(result.images).toHaveLength(2);
    for (const image of result.images) expect(sameBytes(image.bytes, resultPng)).toBe(true);
  });

  it('sends a GPT Image edit in image and sniffs the type of what comes back', async () => {
    const jpeg = await noiseImage(32, 32, { format: 'jpeg' });
    fake.enqueue({ kind: 'b64-of-size', bytes: jpeg });
    const { request } = validated({
      prompt: 'as a watercolour',
      model: 'gpt-image-1-mini',
      inputImages: [{ bytes: inputPng, mimeType: 'image/png' }],
    });

    const result = await provider.generate(request);

    const body = bodyOf(fake.requests[0]);
    expect(sameBytes(decodeDataUrl(body.image).bytes, inputPng)).toBe(true);
    expect(body.n).toBe(1);
    expect(result.images[0]?.mimeType).toBe('image/jpeg');
    expect(sameBytes(result.images[0]?.bytes ?? new Uint8Array(), jpeg)).toBe(true);
  });

  it('makes Qwen’s --n 2 with two calls seeded s and s+1, and each image carries its seed', async () => {
    const { request } = validated({ prompt: 'a red fox', model: 'qwen-image-plus', count: 2, seed: 100 });

    const result = await provider.generate(request);

    const bodies = generations(fake).map(bodyOf);
    expect(bodies).toHaveLength(2);
    expect(bodies.map((body) => body.seed).sort()).toEqual([100, 101]);
    for (const body of bodies) {
      expect(body).toMatchObject({ model: 'qwen-image-plus', prompt: 'a red fox', size: '1328*1328', n: 1 });
      expect(body.parameters).toMatchObject({ seed: body.seed, n: 1, size: '1328*1328', prompt_extend: false });
    }
    expect(result.images.map((image) => image.seed)).toEqual([100, 101]);
    expect(new Set(result.requestIds)).toEqual(new Set(generations(fake).map((recorded) => recorded.requestId)));
  });

  it('sends a Qwen edit to its edit model: the image parts first, then the instruction', async () => {
    const { request, notices } = validated({
      prompt: 'remove the background',
      model: 'qwen',
      seed: 3,
      inputImages: [{ bytes: inputPng, mimeType: 'image/png' }],
    });
    expect(notices.map((notice) => notice.code)).toContain('edit_sibling');

    const result = await provider.generate(request);

    const body = bodyOf(fake.requests[0]);
    expect(body.model).toBe('qwen-image-edit-plus');
    const parts = body.contents?.[0]?.parts ?? [];
    expect(parts).toHaveLength(2);
    expect(sameBytes(decodeDataUrl(parts[0]?.['image']).bytes, inputPng)).toBe(true);
    expect(parts[1]).toEqual({ text: 'remove the background' });
    expect(result.images[0]?.seed).toBe(3);
  });
});

describe('HTTP image provider: response envelope and model list', () => {
  it('reads a success wrapped in the {code,msg,data} envelope', async () => {
    const wrapped = await startFakeImageApi({ imageBytes: resultPng, envelope: true });
    const client = createHttpImageProvider({ baseUrl: wrapped.url, apiKey: 'sk-test', pipeline, downloader });
    try {
      const result = await client.generate(validated({ prompt: 'two cats', model: 'gpt-image-1', count: 2 }).request);
      expect(result.images).toHaveLength(2);
      for (const image of result.images) expect(sameBytes(image.bytes, resultPng)).toBe(true);
      expect(wrapped.violations).toEqual([]);
    } finally {
      await client.close();
      await wrapped.close();
    }
  });

  it.each([
    ['base64url', (base64: string) => base64.replace(/\+/g, '-').replace(/\//g, '_')],
    [
      'escaped slashes and line breaks',
      (base64: string) => `${base64.slice(0, 60)}\\n${base64.slice(60).replace(/\//g, '\\/')}`,
    ],
  ])('decodes a b64_json written as %s', async (_name, rewrite) => {
    const base64 = resultPng.toString('base64');
    expect(base64).toMatch(/[+/]/);
    fake.enqueue({ kind: 'status', status: 200, body: `{"created":1,"data":[{"b64_json":"${rewrite(base64)}"}]}` });

    const result = await provider.generate(validated({ prompt: 'a lighthouse', model: 'gpt-image-1' }).request);

    expect(sameBytes(result.images[0]?.bytes ?? new Uint8Array(), resultPng)).toBe(true);
  });

  it('lists the model ids the key can use', async () => {
    const models = await provider.listModels();

    expect(models).toEqual(builtinModels.map((model) => model.id));
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('reports a wrong key on the model list as an auth error', async () => {
    const client = createHttpImageProvider({ baseUrl: `${fake.url}/`, apiKey: 'sk-wrong', pipeline, downloader });
    try {
      const failure = await client.listModels().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ImageApiError);
      expect(failure).toMatchObject({ code: 'auth', details: { status: 401 } });
      expect(fake.requests[0]?.path).toBe('/v1/models');
    } finally {
      await client.close();
    }
  });
});
