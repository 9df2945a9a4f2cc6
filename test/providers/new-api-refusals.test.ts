import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImagineRequest } from '../../src/core/imagine-request.js';
import { createModelCatalogue, type ModelOverride } from '../../src/core/models/model-catalogue.js';
import type { ImageApiDialect } from '../../src/core/models/model-spec.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { createImageDownloader, type ImageDownloader } from '../../src/download/image-downloader.js';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import { createHttpImageProvider, type HttpImageProvider } from '../../src/providers/http-image-provider.js';
import { ImageApiError } from '../../src/providers/image-api-error.js';
import { type FakeFault, type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { encodePng } from '../fakes/fake-image-api-png.js';

const inputPng = Buffer.from(encodePng(16, 16, (x, y) => [x * 16, y * 16, 40]));
const input = { inputImages: [{ bytes: inputPng, mimeType: 'image/png' }] };
const native: ModelOverride[] = [{ id: 'gemini-3-pro-image-preview', wire: { geminiNative: true } }];
const pipeline = createImagePipeline();

let fake: FakeImageApi;
let downloader: ImageDownloader;
let provider: HttpImageProvider;

beforeAll(async () => {
  fake = await startFakeImageApi({ dialect: 'new-api' });
  downloader = createImageDownloader({ allowPrivate: true });
  provider = createHttpImageProvider({
    baseUrl: fake.url,
    apiKey: 'sk-test',
    pipeline,
    downloader,
    dialect: 'new-api',
  });
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.reset();
});
afterAll(async () => {
  await provider.close();
  await downloader.close();
  await fake.close();
});

function requestFor(input: ImagineRequest, overrides: ModelOverride[] = [], dialect: ImageApiDialect = 'new-api') {
  const catalogue = createModelCatalogue(overrides, { dialect });
  return validateRequest(input, { catalogue, defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 5 }).request;
}

/** Generates and returns the ImageApiError it fails with (the test fails if it succeeds or fails otherwise). */
async function failure(
  input: ImagineRequest,
  overrides: ModelOverride[] = [],
  client = provider,
): Promise<ImageApiError> {
  const error = await client.generate(requestFor(input, overrides)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageApiError);
  return error as ImageApiError;
}

const onlyRequestId = () => {
  const posted = fake.requests.filter((recorded) => recorded.method === 'POST');
  expect(posted).toHaveLength(1);
  return posted[0]?.requestId;
};

describe('refusals on a stock new-api gateway, per family', () => {
  it.each<[string, ImagineRequest, ModelOverride[], string, number]>([
    ['GPT Image (moderation_blocked)', { prompt: 'x', model: 'gpt-image-1' }, [], 'moderation_blocked', 400],
    [
      'a GPT Image edit on /v1/images/edits',
      { prompt: 'x', model: 'gpt-image-1', ...input },
      [],
      'moderation_blocked',
      400,
    ],
    ['Seedream', { prompt: 'x', model: 'seedream-4' }, [], 'InputTextSensitiveContentDetected', 400],
    ['Qwen', { prompt: 'x', model: 'qwen' }, [], 'bad_response_status_code', 400],
    ['Gemini chat (400 prompt_blocked)', { prompt: 'x', model: 'nano-banana' }, [], 'prompt_blocked', 400],
    [
      'Gemini native (promptFeedback.blockReason)',
      { prompt: 'x', model: 'nano-banana-pro' },
      native,
      'PROHIBITED_CONTENT',
      200,
    ],
  ])(
    'shows %s as "the model refused", never retried, with the request id',
    async (_name, input, overrides, code, status) => {
      fake.enqueue({ kind: 'moderation' });
      const error = await failure(input, overrides);
      expect(error).toMatchObject({ code: 'content_rejected', details: { status, upstreamCode: code } });
      expect(error.memberMessage).toContain("The model's safety system blocked this prompt");
      expect(error.details.requestId).toBe(onlyRequestId());
    },
  );

  it.each<[string, ImagineRequest, ModelOverride[], string]>([
    ['a chat completion that ends with content_filter', { prompt: 'x', model: 'nano-banana' }, [], 'content_filter'],
    ['a native answer that ends with IMAGE_SAFETY', { prompt: 'x', model: 'nano-banana-pro' }, native, 'IMAGE_SAFETY'],
  ])('reads a 200 without an image as a refusal: %s', async (_name, input, overrides, code) => {
    fake.enqueue({ kind: 'content-filter' });
    const error = await failure(input, overrides);
    expect(error).toMatchObject({ code: 'content_rejected', details: { status: 200, upstreamCode: code } });
    expect(error.details.requestId).toBe(onlyRequestId());
  });

  it('tells the member what Gemini said when it answered words and no image', async () => {
    fake.enqueue({ kind: 'text-only', text: 'I cannot draw that, but here is a description.' });
    const error = await failure({ prompt: 'x', model: 'nano-banana' });
    expect(error.code).toBe('invalid_response');
    expect(error.memberMessage).toBe(
      'The model answered in words instead of an image: “I cannot draw that, but here is a description.”',
    );
    expect(error.details.requestId).toBe(onlyRequestId());
  });
});

describe('new-api failures carry the request id from every route', () => {
  const routes: [string, ImagineRequest, ModelOverride[]][] = [
    ['/v1/images/generations', { prompt: 'x', model: 'seedream-4' }, []],
    ['/v1/images/edits (multipart)', { prompt: 'x', model: 'gpt-image-1', ...input }, []],
    [
      '/v1/images/edits (JSON)',
      { prompt: 'x', model: 'gpt-image-1', ...input },
      [{ id: 'gpt-image-1', wire: { gptImageEdits: 'json' } }],
    ],
    ['/v1/chat/completions', { prompt: 'x', model: 'nano-banana' }, []],
    ['/v1beta/models/…:generateContent', { prompt: 'x', model: 'nano-banana-pro' }, native],
  ];
  const faults: [string, FakeFault, string][] = [
    ['a 500 new_api_error', { kind: 'status', status: 500 }, 'upstream'],
    ['a body cut short', { kind: 'truncated-json' }, 'invalid_response'],
    ['bytes that are not an image', { kind: 'bad-base64' }, 'invalid_response'],
  ];
  it.each(
    routes.flatMap(([route, input, overrides]) =>
      faults.map(([name, fault, code]) => ({ route, input, overrides, name, fault, code })),
    ),
  )('$route: $name', async ({ input, overrides, fault, code }) => {
    fake.enqueue(fault);
    const error = await failure(input, overrides);
    expect(error.code).toBe(code);
    expect(error.details.requestId).toMatch(/^fake-/);
    expect(error.details.requestId).toBe(onlyRequestId());
  });

  it('reads a wrong key as auth, with the id new-api puts in the message', async () => {
    const client = createHttpImageProvider({
      baseUrl: fake.url,
      apiKey: 'sk-wrong',
      pipeline,
      downloader,
      dialect: 'new-api',
    });
    try {
      const error = await failure({ prompt: 'x', model: 'nano-banana' }, [], client);
      expect(error).toMatchObject({ code: 'auth', details: { status: 401, upstreamCode: 'invalid_api_key' } });
      expect(error.details.upstreamMessage).toBe(`Invalid token (request id: ${onlyRequestId()})`);
      expect(error.details.requestId).toBe(onlyRequestId());
    } finally {
      await client.close();
    }
  });

  it('treats new-api’s own validation failure (HTTP 500 invalid_request) as a bad request, not an outage', async () => {
    const body = {
      error: { message: 'size is invalid (request id: r1)', type: 'new_api_error', param: '', code: 'invalid_request' },
    };
    fake.enqueue({ kind: 'status', status: 500, body });
    const error = await failure({ prompt: 'x', model: 'gpt-image-1' });
    expect(error.code).toBe('bad_request');
    expect(error.memberMessage).toBe('The image service could not accept this request: size is invalid');
  });
});

describe('the documented dialect on a stock new-api gateway', () => {
  it('meets 500 convert_request_failed for Gemini on /generations: a configuration error, sent once', async () => {
    const documented = createHttpImageProvider({ baseUrl: fake.url, apiKey: 'sk-test', pipeline, downloader });
    try {
      const request = requestFor({ prompt: 'a lighthouse', model: 'nano-banana' }, [], 'documented');
      const caught = await documented.generate(request).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(caught).toBeInstanceOf(ImageApiError);
      const error = caught as ImageApiError;
      expect(error).toMatchObject({
        code: 'bad_request',
        details: { status: 500, upstreamCode: 'convert_request_failed' },
      });
      expect(error.memberMessage).toContain('IMAGE_API_DIALECT');
      expect(error.isRetryable).toBe(false);
      expect(error.details.requestId).toBe(onlyRequestId());
      expect(fake.requests[0]?.path).toBe('/v1/images/generations');
    } finally {
      await documented.close();
    }
  });

  it('loses the seed it sends to Seedream: the fake records it as dropped', async () => {
    const documented = createHttpImageProvider({ baseUrl: fake.url, apiKey: 'sk-test', pipeline, downloader });
    try {
      const request = requestFor({ prompt: 'a harbour', model: 'seedream-4', seed: 42 }, [], 'documented');
      expect(request.seed).toBe(42);
      await documented.generate(request);
      expect(fake.requests[0]?.dropped).toEqual(['seed']);
    } finally {
      await documented.close();
    }
  });
});
