import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createImageDownloader } from '../../src/download/image-downloader.js';
import { sniffImageType } from '../../src/images/image-type.js';
import { type FakeFamily, type FakeImageApi, startFakeImageApi } from './fake-image-api.js';
import { decodeB64, generateWithFake, resultData } from './fake-image-api-http.js';
import { base64Of } from './fake-image-api-responses.js';

let fake: FakeImageApi;
beforeAll(async () => {
  fake = await startFakeImageApi();
});
afterAll(() => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.reset();
});

const gpt = { model: 'gpt-image-1', prompt: 'a red boat' };
const generate = (body: unknown = gpt) => generateWithFake(fake, body);

describe('the fake image API: scripted faults', () => {
  it.each<[FakeFamily, string, string]>([
    ['gpt', 'gpt-image-1', 'moderation_blocked'],
    ['gemini', 'gemini-3-pro-image-preview', 'IMAGE_SAFETY'],
    ['seedream', 'doubao-seedream-4-0-250828', 'InputTextSensitiveContentDetected'],
    ['qwen', 'qwen-image-plus', 'bad_response_status_code'],
  ])('refuses a %s prompt with that family’s moderation error', async (_family, model, code) => {
    fake.enqueue({ kind: 'moderation' });
    const answer = await generate({ model, prompt: 'something forbidden' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code } });
  });

  it('uses the exact GPT and Qwen refusal texts, and a forced family', async () => {
    fake.enqueue({ kind: 'moderation' }, { kind: 'moderation', family: 'qwen' });
    expect((await generate()).json).toEqual({
      error: {
        message: 'Your request was rejected as a result of our safety system.',
        type: 'image_generation_user_error',
        code: 'moderation_blocked',
      },
    });
    expect((await generate()).json).toMatchObject({
      error: { message: 'Input data may contain inappropriate content.' },
    });
  });

  it('consumes faults in order, one per request, then answers normally', async () => {
    fake.enqueue({ kind: 'status', status: 429 }, { kind: 'status', status: 500, body: 'gateway exploded' });
    const limited = await generate();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    const broken = await generate();
    expect([broken.status, broken.text]).toEqual([500, 'gateway exploded']);
    expect((await generate()).status).toBe(200);
  });

  it('sends the given status headers and a new-api body for 503', async () => {
    fake.enqueue({ kind: 'status', status: 503, headers: { 'retry-after': '3' } });
    const answer = await generate();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('3');
    expect(answer.json).toMatchObject({ error: { code: 'no_available_channel' } });
  });

  it('does not spend a fault on a request that breaks the wire format', async () => {
    fake.enqueue({ kind: 'status', status: 401 });
    expect((await generate({ model: 'gpt-image-1', prompt: 'p', size: '1x1' })).status).toBe(400);
    expect(fake.violations).toHaveLength(1);
    fake.reset();
    fake.enqueue({ kind: 'status', status: 401 });
    expect((await generate()).json).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('keeps a default result until it is cleared', async () => {
    fake.setDefaultResult({ kind: 'envelope-error' });
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await generate();
      expect([answer.status, answer.json]).toEqual([200, { code: 400, msg: 'bad param', data: null }]);
    }
    fake.setDefaultResult(undefined);
    expect(resultData(await generate())).toHaveLength(1);
  });

  it('answers truncated JSON', async () => {
    fake.enqueue({ kind: 'truncated-json' });
    const answer = await generate();
    expect(answer.status).toBe(200);
    expect(answer.text.startsWith('{"created"')).toBe(true);
    expect(answer.json).toBeUndefined();
  });

  it('answers base64 that is not an image', async () => {
    fake.enqueue({ kind: 'bad-base64' });
    const bytes = decodeB64(resultData(await generate())[0]);
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(sniffImageType(bytes)).toBeUndefined();
  });

  it('answers a result URL that 404s', async () => {
    fake.enqueue({ kind: 'url-404' });
    const url = resultData(await generate())[0]?.url ?? '';
    expect(url.startsWith(`${fake.url}/files/`)).toBe(true);
    const downloader = createImageDownloader({ allowPrivate: true });
    try {
      await expect(downloader.download(url)).rejects.toMatchObject({
        failure: 'http_error',
        details: { status: 404 },
      });
    } finally {
      await downloader.close();
    }
  });

  it('streams an oversized body that is still valid JSON, chunked unless asked to announce it', async () => {
    fake.enqueue({ kind: 'oversized', bytes: 3_000_000 }, { kind: 'oversized', bytes: 100, announceLength: true });
    const chunked = await fetch(`${fake.url}/v1/images/generations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify(gpt),
    });
    expect(chunked.headers.get('content-length')).toBeNull();
    const text = await chunked.text();
    expect(text.length).toBeGreaterThan(3_000_000);
    expect(JSON.parse(text)).toMatchObject({ data: [{ b64_json: expect.any(String) }] });
    const announced = await generate();
    expect(Number(announced.headers.get('content-length'))).toBe(announced.text.length);
  });

  it('answers exact bytes as base64, count times, encoding each buffer once', async () => {
    const bytes = new Uint8Array(300_000);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    fake.enqueue({ kind: 'b64-of-size', bytes, count: 2 });
    const data = resultData(await generate());
    expect(data).toHaveLength(2);
    expect(data.every((entry) => decodeB64(entry).equals(Buffer.from(bytes)))).toBe(true);
    expect(base64Of(bytes)).toBe(base64Of(bytes));
  });

  it('hangs until the client gives up, and close() ends a hanging request', async () => {
    const hanging = await startFakeImageApi();
    hanging.enqueue({ kind: 'hang' });
    const pending = generateWithFake(hanging, gpt).then(
      () => 'answered',
      () => 'socket closed',
    );
    await hanging.waitFor((request) => request.path === '/v1/images/generations');
    await hanging.close();
    expect(await pending).toBe('socket closed');
  });
});
