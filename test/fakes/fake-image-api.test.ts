import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtinModels } from '../../src/core/models/builtin-models.js';
import { createImageDownloader } from '../../src/download/image-downloader.js';
import { sniffImageType } from '../../src/images/image-type.js';
import { type FakeImageApi, startFakeImageApi } from './fake-image-api.js';
import { callFake, decodeB64, generateWithFake, type ResultData, resultData } from './fake-image-api-http.js';
import { encodePng } from './fake-image-api-png.js';

const png = encodePng(2, 2, () => [255, 0, 0]);
const pngDataUrl = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
const textDataUrl = `data:image/png;base64,${Buffer.from('hello, not an image').toString('base64')}`;

let fake: FakeImageApi;
beforeAll(async () => {
  fake = await startFakeImageApi();
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const call = (path: string, init: RequestInit = {}) => callFake(fake, path, init);
const generate = (body: unknown, target: FakeImageApi = fake) => generateWithFake(target, body);
const dataOf = resultData;
const decoded = decodeB64;

describe('the fake image API: plumbing', () => {
  it('refuses a missing or wrong key with new-api’s 401 body', async () => {
    const answer = await call('/v1/models', { headers: { authorization: 'Bearer sk-wrong' } });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      error: { message: 'Invalid token', type: 'new_api_error', code: 'invalid_api_key' },
    });
  });

  it('tags every response with a distinct X-Oneapi-Request-Id, also on 404s', async () => {
    const answers = await Promise.all([call('/v1/models'), call('/nope'), generate({ model: 'nobody', prompt: 'x' })]);
    const ids = answers.map((answer) => answer.headers.get('x-oneapi-request-id'));
    expect(new Set(ids).size).toBe(3);
    expect(answers.map((answer) => answer.status)).toEqual([200, 404, 404]);
    expect(answers[2]?.json).toMatchObject({ error: { code: 'model_not_found', message: 'model nobody not found' } });
    expect(fake.violations).toEqual([]);
  });

  it('lists the catalogue ids in OpenAI shape', async () => {
    const answer = await call('/v1/models');
    expect(answer.json).toMatchObject({ object: 'list' });
    const data = (answer.json as { data: { id: string; object: string }[] }).data;
    expect(data.map((model) => model.id)).toEqual(builtinModels.map((model) => model.id));
    expect(data[0]).toMatchObject({ object: 'model', owned_by: 'fake' });
  });

  it('records requests and wakes waitFor when a matching one arrives', async () => {
    const waiting = fake.waitFor((request) => (request.body as { prompt?: string })?.prompt === 'a lighthouse');
    await generate({ model: 'gpt-image-1', prompt: 'a lighthouse' });
    const request = await waiting;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/images/generations' });
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.rawBytes).toBeGreaterThan(20);
    expect(request.receivedAt).toBeLessThanOrEqual(performance.now());
    await expect(fake.waitFor(() => false, 50)).rejects.toThrow(/no matching request within 50 ms/);
  });

  it('applies the simulated latency before answering', async () => {
    fake.setLatency(120);
    const started = performance.now();
    await generate({ model: 'gpt-image-1', prompt: 'slow' });
    fake.setLatency(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('keeps no bodies with recordBodies: false and at most maxRecordedRequests records', async () => {
    const lean = await startFakeImageApi({ recordBodies: false, maxRecordedRequests: 2 });
    try {
      for (const prompt of ['one', 'two', 'three']) await generate({ model: 'gpt-image-1', prompt }, lean);
      expect(lean.requests).toHaveLength(2);
      expect(lean.requests.map((request) => request.body)).toEqual([undefined, undefined]);
      expect(lean.requests[0]?.rawBytes).toBeGreaterThan(0);
    } finally {
      await lean.close();
    }
  });
});

describe('the fake image API: results per family', () => {
  it('answers Gemini with one base64 PNG, whatever n says', async () => {
    const answer = await generate({ model: 'gemini-3-pro-image-preview', prompt: 'kitten', size: '16:9', n: 2 });
    expect(answer.status).toBe(200);
    expect(dataOf(answer)).toHaveLength(1);
    expect(sniffImageType(decoded(dataOf(answer)[0]))?.mimeType).toBe('image/png');
    expect(fake.violations).toEqual([]);
  });

  it('answers GPT Image with n images', async () => {
    const answer = await generate({ model: 'gpt-image-1', prompt: 'boat', size: '1536x1024', quality: 'low', n: 3 });
    expect(dataOf(answer)).toHaveLength(3);
  });

  it('answers Seedream with downloadable URLs and their size', async () => {
    const answer = await generate({
      model: 'doubao-seedream-4-0-250828',
      prompt: 'city',
      size: '2K',
      sequential_image_generation: 'auto',
      sequential_image_generation_options: { max_images: 2 },
    });
    const data = dataOf(answer);
    expect(data).toHaveLength(2);
    expect(data[0]?.size).toBe('64x64');
    expect(data[0]?.url).toMatch(new RegExp(`^${fake.url}/files/[\\w-]+\\.png$`));
    const downloader = createImageDownloader({ allowPrivate: true });
    try {
      const image = await downloader.download(data[0]?.url ?? '');
      expect(image.mimeType).toBe('image/png');
    } finally {
      await downloader.close();
    }
  });

  it('answers Qwen with base64, or a URL when asked', async () => {
    const base = { model: 'qwen-image-plus', prompt: 'tea', parameters: { size: '1664*928' } };
    expect(dataOf(await generate(base))[0]?.b64_json).toBeDefined();
    expect(dataOf(await generate({ ...base, response_format: 'url' }))[0]?.url).toContain('/files/');
  });

  it('wraps successes in the {code,msg,data} envelope when configured', async () => {
    const wrapped = await startFakeImageApi({ envelope: true, b64Image: () => png });
    try {
      const answer = await generate({ model: 'gpt-image-1', prompt: 'x' }, wrapped);
      expect(answer.json).toMatchObject({ code: 200, msg: 'success', data: { created: expect.any(Number) } });
      const data = (answer.json as { data: { data: ResultData } }).data.data;
      expect(decoded(data[0]).equals(Buffer.from(png))).toBe(true);
    } finally {
      await wrapped.close();
    }
  });

  it.each([
    ['gemini 3 pro text', { model: 'gemini-3-pro-image-preview', prompt: 'k', size: '16:9', image_size: '2K', n: 1 }],
    [
      'gemini 2.5 edit',
      {
        model: 'gemini-2.5-flash-image',
        size: '1:1',
        response_format: 'b64_json',
        contents: [{ role: 'user', parts: [{ text: 'night' }, { image: pngDataUrl }] }],
      },
    ],
    [
      'seedream fusion',
      {
        model: 'doubao-seedream-4-5-251128',
        prompt: 'p',
        image: [pngDataUrl, pngDataUrl],
        size: '2048x2048',
        seed: 42,
      },
    ],
    ['seededit', { model: 'doubao-seededit-3-0-i2i-250628', prompt: 'p', image: pngDataUrl, size: 'adaptive' }],
    ['gpt edit', { model: 'gpt-image-1', prompt: 'p', image: [pngDataUrl], input_fidelity: 'high' }],
    [
      'qwen edit',
      {
        model: 'qwen-image-edit-plus',
        contents: [{ role: 'user', parts: [{ image: pngDataUrl }, { image: pngDataUrl }, { text: 'merge' }] }],
        parameters: { seed: 7, watermark: false },
      },
    ],
    ['qwen both', { model: 'qwen-image-plus', prompt: 'p', size: '1328*1328', parameters: { size: '1328*1328' } }],
  ])('accepts a well-formed %s request', async (_name, body) => {
    expect((await generate(body)).status).toBe(200);
    expect(fake.violations).toEqual([]);
  });
});

describe('the fake image API: shape violations', () => {
  it.each([
    [
      'gemini pixel size',
      { model: 'gemini-3-pro-image-preview', prompt: 'p', size: '1024x1024' },
      'size must be one of',
    ],
    [
      'image_size on 2.5 flash',
      { model: 'gemini-2.5-flash-image', prompt: 'p', image_size: '1K' },
      'image_size must be omitted for gemini-2.5-flash-image',
    ],
    ['gemini top-level image', { model: 'gemini-3-pro-image-preview', prompt: 'p', image: pngDataUrl }, 'not image'],
    [
      'gemini inline_data',
      {
        model: 'gemini-3-pro-image-preview',
        contents: [{ role: 'user', parts: [{ inline_data: { data: 'x' } }] }],
      },
      'must be exactly {text} or {image}',
    ],
    [
      'a data URL that is not an image',
      { model: 'gemini-2.5-flash-image', contents: [{ parts: [{ text: 't' }, { image: textDataUrl }] }] },
      'contents[0].parts[1].image does not decode to an image',
    ],
    [
      'a mislabelled data URL',
      { model: 'gpt-image-1', prompt: 'p', image: pngDataUrl.replace('image/png', 'image/jpeg') },
      'declared image/jpeg but the bytes are image/png',
    ],
    ['seedream seed', { model: 'doubao-seedream-4-0-250828', prompt: 'p', seed: 2 ** 31 }, 'seed must be an integer'],
    ['seedream watermark', { model: 'doubao-seedream-4-0-250828', prompt: 'p', watermark: 'no' }, 'watermark must be'],
    ['seedream size', { model: 'doubao-seedream-4-0-250828', prompt: 'p', size: '2048*2048' }, 'size must be 2K'],
    ['gpt size', { model: 'gpt-image-1', prompt: 'p', size: '512x512' }, 'size must be one of 1024x1024'],
    ['gpt quality', { model: 'gpt-image-1', prompt: 'p', quality: 'hd' }, 'quality must be one of'],
    ['gpt n', { model: 'gpt-image-1', prompt: 'p', n: 11 }, 'n must be an integer in 1..10'],
    ['qwen size', { model: 'qwen-image-plus', prompt: 'p', parameters: { size: '1328x1328' } }, 'parameters.size'],
    [
      'qwen edit with the text first',
      { model: 'qwen-image-edit-plus', contents: [{ parts: [{ text: 'merge' }, { image: pngDataUrl }] }] },
      '1-3 {image} parts then one {text} part',
    ],
    [
      'qwen t2i with an image',
      { model: 'qwen-image-plus', contents: [{ parts: [{ image: pngDataUrl }, { text: 'edit' }] }] },
      'takes no input image',
    ],
    ['no prompt', { model: 'gpt-image-1' }, 'one of prompt or contents'],
  ])('flags %s', async (_name, body, expected) => {
    const answer = await generate(body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { type: 'invalid_request_error', code: 'fake_shape_violation' } });
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]?.message).toContain(expected);
  });

  it('flags a body that is not JSON, or not sent as JSON', async () => {
    const options = { method: 'POST', body: '{"model":' };
    expect((await call('/v1/images/generations', options)).status).toBe(400);
    const body = JSON.stringify({ model: 'gpt-image-1', prompt: 'p' });
    await call('/v1/images/generations', { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
    expect(fake.violations.map((violation) => violation.message)).toEqual([
      'fake: body is not valid JSON',
      'fake: Content-Type must be application/json, got text/plain',
    ]);
  });
});
