import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImagineRequest } from '../../src/core/imagine-request.js';
import { createModelCatalogue, type ModelOverride } from '../../src/core/models/model-catalogue.js';
import type { ImageApiDialect } from '../../src/core/models/model-spec.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { createImageDownloader, type ImageDownloader } from '../../src/download/image-downloader.js';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import { createHttpImageProvider, type HttpImageProvider } from '../../src/providers/http-image-provider.js';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { encodePng } from '../fakes/fake-image-api-png.js';

const resultPng = Buffer.from(encodePng(48, 32, (x, y) => [x * 5, y * 7, 90]));
const inputPng = Buffer.from(encodePng(40, 30, (x, y) => [200, x * 6, y * 8]));
const inputUrl = `data:image/png;base64,${inputPng.toString('base64')}`;
const input = { inputImages: [{ bytes: inputPng, mimeType: 'image/png' }] };
const pipeline = createImagePipeline();

interface Gateway {
  readonly fake: FakeImageApi;
  readonly provider: HttpImageProvider;
  readonly downloader: ImageDownloader;
}

async function startGateway(dialect: ImageApiDialect): Promise<Gateway> {
  const fake = await startFakeImageApi({ dialect, imageBytes: resultPng });
  const downloader = createImageDownloader({ allowPrivate: true });
  const provider = createHttpImageProvider({ baseUrl: fake.url, apiKey: 'sk-test', pipeline, downloader, dialect });
  return { fake, provider, downloader };
}

/** Validates like the bot does, against a catalogue whose default dialect is `dialect` (as IMAGE_API_DIALECT sets). */
function validated(dialect: ImageApiDialect, request: ImagineRequest, overrides: ModelOverride[] = []) {
  const catalogue = createModelCatalogue(overrides, { dialect });
  return validateRequest(request, { catalogue, defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 1234 });
}

/**
 * Generates through the client, then checks what every round trip must show: the routes called in order, no shape
 * violation and nothing the gateway dropped, the fake's image decoded back, and each call's request id.
 */
async function roundTrip(gateway: Gateway, request: ReturnType<typeof validated>['request'], routes: string[]) {
  const { fake, provider } = gateway;
  fake.reset();
  const result = await provider.generate(request);
  expect(
    fake.requests.map((recorded) => `${recorded.method} ${recorded.path.replace(/\/files\/.*/, '/files/…')}`),
  ).toEqual(routes);
  expect(fake.violations).toEqual([]);
  for (const recorded of fake.requests) expect(recorded.dropped ?? []).toEqual([]);
  expect(result.images.length).toBeGreaterThan(0);
  for (const image of result.images) {
    expect(Buffer.compare(Buffer.from(image.bytes), resultPng)).toBe(0);
    expect(image.mimeType).toBe('image/png');
  }
  const posted = fake.requests.filter((recorded) => recorded.method === 'POST');
  expect(result.requestIds).toEqual(posted.map((recorded) => recorded.requestId));
  return { result, sent: posted[0] };
}

describe('every family through the documented dialect, against the documented fake', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway('documented');
  });
  afterAll(async () => {
    await gateway.provider.close();
    await gateway.downloader.close();
    await gateway.fake.close();
  });
  const generations = ['POST /v1/images/generations'];
  const run = (request: ImagineRequest, routes = generations) =>
    roundTrip(gateway, validated('documented', request).request, routes);

  it('Gemini: text to image with the ratio as size, and an edit in contents', async () => {
    const prompt = { prompt: 'orange kitten', model: 'nano-banana-pro', aspectRatio: '16:9', size: '2K' };
    expect((await run(prompt)).sent?.body).toEqual({
      model: 'gemini-3-pro-image-preview',
      prompt: 'orange kitten',
      size: '16:9',
      image_size: '2K',
      n: 1,
      response_format: 'b64_json',
    });
    expect((await run({ ...prompt, prompt: 'make it night', ...input })).sent?.body).toEqual({
      model: 'gemini-3-pro-image-preview',
      size: '16:9',
      image_size: '2K',
      response_format: 'b64_json',
      contents: [{ role: 'user', parts: [{ text: 'make it night' }, { image: inputUrl }] }],
    });
  });

  it('Seedream: a seeded URL result downloaded at once, and a fusion edit with an image array', async () => {
    const routes = [...generations, 'GET /files/…'];
    const text = await run({ prompt: 'a harbour', model: 'seedream-4', aspectRatio: '16:9', seed: 42 }, routes);
    expect(text.sent?.body).toEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a harbour',
      size: '2560x1440',
      watermark: false,
      seed: 42,
      response_format: 'url',
    });
    expect(text.result.images[0]?.seed).toBe(42);
    const edit = await run(
      { prompt: 'at night', model: 'seedream-4.5', aspectRatio: '1:1', seed: 42, ...input },
      routes,
    );
    expect(edit.sent?.body).toEqual({
      model: 'doubao-seedream-4-5-251128',
      prompt: 'at night',
      image: [inputUrl],
      size: '2048x2048',
      watermark: false,
      seed: 42,
      response_format: 'url',
    });
  });

  it('GPT Image: n in one call, and an edit with image on /generations', async () => {
    const text = await run({
      prompt: 'a poster',
      model: 'gpt-image-1',
      aspectRatio: '16:9',
      quality: 'high',
      count: 2,
    });
    expect(text.sent?.body).toEqual({
      model: 'gpt-image-1',
      prompt: 'a poster',
      size: '1536x1024',
      quality: 'high',
      n: 2,
    });
    expect(text.result.images).toHaveLength(2);
    expect((await run({ prompt: 'as a watercolour', model: 'gpt-image-1', ...input })).sent?.body).toEqual({
      model: 'gpt-image-1',
      prompt: 'as a watercolour',
      image: inputUrl,
      size: '1024x1024',
      n: 1,
    });
  });

  it('Qwen: options flat and in parameters, and an edit in contents on the edit model', async () => {
    const text = await run({
      prompt: 'a tea house',
      model: 'qwen',
      aspectRatio: '16:9',
      seed: 7,
      negativePrompt: 'people',
    });
    const options = { size: '1664*928', n: 1, seed: 7, negative_prompt: 'people', watermark: false };
    expect(text.sent?.body).toEqual({
      model: 'qwen-image-plus',
      prompt: 'a tea house',
      ...options,
      parameters: { ...options, prompt_extend: false },
      response_format: 'b64_json',
    });
    const edit = await run({ prompt: 'make it snowy', model: 'qwen', seed: 7, ...input });
    const editOptions = { n: 1, seed: 7, watermark: false };
    expect(edit.sent?.body).toEqual({
      model: 'qwen-image-edit-plus',
      contents: [{ role: 'user', parts: [{ image: inputUrl }, { text: 'make it snowy' }] }],
      ...editOptions,
      parameters: { ...editOptions, prompt_extend: false },
      response_format: 'b64_json',
    });
  });
});

describe('every family through the new-api dialect, against the stock new-api fake', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway('new-api');
  });
  afterAll(async () => {
    await gateway.provider.close();
    await gateway.downloader.close();
    await gateway.fake.close();
  });
  const run = (request: ImagineRequest, routes: string[], overrides: ModelOverride[] = []) =>
    roundTrip(gateway, validated('new-api', request, overrides).request, routes);

  it('Gemini: a chat completion with extra_body.google.image_config, the image read from the markdown', async () => {
    const chat = ['POST /v1/chat/completions'];
    const prompt = { prompt: 'orange kitten', model: 'nano-banana-pro', aspectRatio: '16:9', size: '2K' };
    expect((await run(prompt, chat)).sent?.body).toEqual({
      model: 'gemini-3-pro-image-preview',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'orange kitten' }] }],
      extra_body: { google: { image_config: { aspect_ratio: '16:9', image_size: '2K' } } },
    });
    const edit = await run({ prompt: 'make it night', model: 'nano-banana', ...input }, chat);
    expect(edit.sent?.body).toEqual({
      model: 'gemini-2.5-flash-image',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'make it night' },
            { type: 'image_url', image_url: { url: inputUrl } },
          ],
        },
      ],
      extra_body: { google: { image_config: { aspect_ratio: '1:1' } } },
    });
  });

  it('Seedream: only the fields that survive, n always, no seed (and none shown)', async () => {
    const routes = ['POST /v1/images/generations', 'GET /files/…'];
    const { request, notices } = validated('new-api', {
      prompt: 'a harbour',
      model: 'seedream-4',
      aspectRatio: '16:9',
      seed: 42,
    });
    expect(request.seed).toBeUndefined();
    expect(notices.map((notice) => notice.code)).toEqual(['seed_ignored']);
    const text = await roundTrip(gateway, request, routes);
    expect(text.sent?.body).toEqual({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'a harbour',
      size: '2560x1440',
      watermark: false,
      n: 1,
      response_format: 'url',
    });
    expect(text.result.images[0]?.seed).toBeUndefined();
    const edit = await run({ prompt: 'at night', model: 'seedream-4.5', aspectRatio: '1:1', ...input }, routes);
    expect(edit.sent?.body).toEqual({
      model: 'doubao-seedream-4-5-251128',
      prompt: 'at night',
      image: [inputUrl],
      size: '2048x2048',
      watermark: false,
      n: 1,
      response_format: 'url',
    });
  });

  it('GPT Image: text to image on /generations, an edit as multipart image[] on /v1/images/edits', async () => {
    const text = await run(
      { prompt: 'a poster', model: 'gpt-image-1', aspectRatio: '16:9', quality: 'high', count: 2 },
      ['POST /v1/images/generations'],
    );
    expect(text.sent?.body).toEqual({
      model: 'gpt-image-1',
      prompt: 'a poster',
      size: '1536x1024',
      quality: 'high',
      n: 2,
    });
    expect(text.result.images).toHaveLength(2);

    const edit = await run({ prompt: 'as a watercolour', model: 'gpt-image-1', quality: 'low', ...input }, [
      'POST /v1/images/edits',
    ]);
    expect(edit.sent?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(edit.sent?.parts).toEqual([
      { name: 'model', value: 'gpt-image-1' },
      { name: 'prompt', value: 'as a watercolour' },
      { name: 'size', value: '1024x1024' },
      { name: 'quality', value: 'low' },
      { name: 'input_fidelity', value: 'low' },
      { name: 'n', value: '1' },
      { name: 'image[]', filename: 'image-1.png', type: 'image/png', bytes: inputPng },
    ]);
  });

  it('GPT Image: JSON images [{image_url}] on /v1/images/edits when the catalogue says so', async () => {
    const overrides = [{ id: 'gpt-image-1-mini', wire: { gptImageEdits: 'json' as const } }];
    const edit = await run(
      { prompt: 'as ink', model: 'gpt-image-1-mini', ...input },
      ['POST /v1/images/edits'],
      overrides,
    );
    expect(edit.sent?.headers['content-type']).toBe('application/json');
    expect(edit.sent?.body).toEqual({
      model: 'gpt-image-1-mini',
      prompt: 'as ink',
      size: '1024x1024',
      n: 1,
      images: [{ image_url: inputUrl }],
    });
  });

  it('Qwen: a parameters object without negative_prompt, images in input.messages, URL results', async () => {
    const routes = ['POST /v1/images/generations', 'GET /files/…'];
    const { request, notices } = validated('new-api', {
      prompt: 'a tea house',
      model: 'qwen',
      aspectRatio: '16:9',
      seed: 7,
      negativePrompt: 'people',
    });
    expect(request.negativePrompt).toBeUndefined();
    expect(notices.map((notice) => notice.code)).toEqual(['negative_ignored']);
    const text = await roundTrip(gateway, request, routes);
    expect(text.sent?.body).toEqual({
      model: 'qwen-image-plus',
      prompt: 'a tea house',
      n: 1,
      parameters: { size: '1664*928', n: 1, watermark: false, prompt_extend: false, seed: 7 },
    });
    expect(text.result.images[0]?.seed).toBe(7);

    const edit = await run({ prompt: 'make it snowy', model: 'qwen', seed: 7, ...input }, routes);
    expect(edit.sent?.body).toEqual({
      model: 'qwen-image-edit-plus',
      prompt: 'make it snowy',
      n: 1,
      parameters: { n: 1, watermark: false, prompt_extend: false, seed: 7 },
      input: { messages: [{ role: 'user', content: [{ image: inputUrl }, { text: 'make it snowy' }] }] },
    });
  });

  it('follows a model’s own dialect in the catalogue over the client’s default', async () => {
    const overrides = [{ id: 'gpt-image-1', dialect: 'documented' as const }];
    const { request } = validated('new-api', { prompt: 'as a watercolour', model: 'gpt-image-1', ...input }, overrides);
    gateway.fake.reset();
    await gateway.provider.generate(request);
    // The documented body on the stock gateway: the image rides on /generations, which OpenAI ignores.
    expect(gateway.fake.requests[0]).toMatchObject({ path: '/v1/images/generations', dropped: ['image'] });
  });
});
