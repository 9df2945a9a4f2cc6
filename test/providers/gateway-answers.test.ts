import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeJobError } from '../../src/core/engine/job-errors.js';
import type { ImagineRequest } from '../../src/core/imagine-request.js';
import { createModelCatalogue, type ModelOverride } from '../../src/core/models/model-catalogue.js';
import type { ImageApiDialect } from '../../src/core/models/model-spec.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { ImageApiError } from '../../src/providers/image-api-error.js';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { encodePng } from '../fakes/fake-image-api-png.js';
import { createFakeApiProvider, type FakeApiProvider } from '../support/fake-api-provider.js';

/** Answers of a real new-api gateway that are not what their status says, as its relay code writes them. */
const inputPng = Buffer.from(encodePng(16, 16, (x, y) => [x * 16, y * 16, 40]));
const withImage = { inputImages: [{ bytes: inputPng, mimeType: 'image/png' }] };
const native: ModelOverride[] = [{ id: 'gemini-3-pro-image-preview', wire: { geminiNative: true } }];

let stock: FakeImageApi;
let documented: FakeImageApi;
let stockClient: FakeApiProvider;
let documentedClient: FakeApiProvider;

beforeAll(async () => {
  [stock, documented] = await Promise.all([startFakeImageApi({ dialect: 'new-api' }), startFakeImageApi()]);
  stockClient = createFakeApiProvider(stock.url, { dialect: 'new-api' });
  documentedClient = createFakeApiProvider(documented.url);
});
afterEach(() => {
  expect(stock.violations).toEqual([]);
  expect(documented.violations).toEqual([]);
  stock.reset();
  documented.reset();
});
afterAll(async () => {
  await Promise.all([stockClient.close(), documentedClient.close()]);
  await Promise.all([stock.close(), documented.close()]);
});

function requestFor(input: ImagineRequest, dialect: ImageApiDialect, overrides: ModelOverride[] = []) {
  const catalogue = createModelCatalogue(overrides, { dialect });
  return validateRequest(input, { catalogue, defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 5 }).request;
}

async function failure(input: ImagineRequest, dialect: ImageApiDialect = 'new-api', overrides: ModelOverride[] = []) {
  const client = dialect === 'new-api' ? stockClient : documentedClient;
  const error = await client.provider.generate(requestFor(input, dialect, overrides)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageApiError);
  return error as ImageApiError;
}

const posted = (fake: FakeImageApi) => fake.requests.filter((request) => request.method === 'POST');
const wordFilter =
  "The image service's word filter refused this prompt, so no image was made. Try rewording it; this refusal is not retried.";

describe("the gateway's word filter (HTTP 500 sensitive_words_detected) is a refusal", () => {
  it.each<[string, ImagineRequest, ModelOverride[]]>([
    ['GPT Image on /v1/images/generations', { prompt: 'a test_sensitive poster', model: 'gpt-image-1' }, []],
    [
      'a GPT Image edit on /v1/images/edits',
      { prompt: 'add TEST_SENSITIVE text', model: 'gpt-image-1', ...withImage },
      [],
    ],
    ['Seedream', { prompt: 'test_sensitive', model: 'seedream-4' }, []],
    ['Qwen', { prompt: 'test_sensitive', model: 'qwen' }, []],
    ['Gemini through chat completions', { prompt: 'test_sensitive', model: 'nano-banana' }, []],
    ['Gemini native', { prompt: 'test_sensitive', model: 'gemini-3-pro-image-preview' }, native],
  ])('%s', async (_name, input, overrides) => {
    const error = await failure(input, 'new-api', overrides);

    expect(error.code).toBe('content_rejected');
    expect(error.memberMessage).toBe(wordFilter);
    expect(error.details).toMatchObject({ status: 500, upstreamCode: 'sensitive_words_detected' });
    expect(error.details.requestId).toBe(posted(stock)[0]?.requestId);
    expect(error.isRetryable).toBe(false);
    expect(posted(stock)).toHaveLength(1);
    expect(describeJobError(error, () => 'REF')).toMatchObject({
      message: wordFilter,
      retryable: false,
      outcome: 'refused',
    });
  });

  it('on the documented gateway too (a new-api fork, filter on by default)', async () => {
    const error = await failure({ prompt: 'test_sensitive', model: 'nano-banana' }, 'documented');
    expect(error.code).toBe('content_rejected');
    expect(error.memberMessage).toBe(wordFilter);
  });
});

describe('out of credit (HTTP 403) names credit, for members and operators', () => {
  it('an account without credit: top it up', async () => {
    stock.enqueue({ kind: 'out-of-credit', of: 'account' });
    const error = await failure({ prompt: 'a fox', model: 'gpt-image-1' });

    expect(error.code).toBe('out_of_credit');
    expect(error.memberMessage).toBe(
      'The image service account is out of credit, so nothing was generated or billed. An operator needs to top it up; press Retry after that.',
    );
    expect(error.message).toMatch(
      /^image API 403 insufficient_user_quota: 用户额度不足.* — the gateway account behind IMAGE_API_KEY is out of credit: top it up on the gateway \(IMAGE_API_URL\)$/,
    );
    expect(error.isRetryable).toBe(false);
    expect(posted(stock)).toHaveLength(1);
    // Not billed, and offered for Retry once the operator has topped up.
    expect(describeJobError(error, () => 'REF')).toMatchObject({ retryable: true, billed: false, outcome: 'failed' });
  });

  it('a key at its own quota: raise the key’s limit', async () => {
    stock.enqueue({ kind: 'out-of-credit', of: 'key' });
    const error = await failure({ prompt: 'a fox', model: 'seedream-4' });

    expect(error.code).toBe('out_of_credit');
    expect(error.memberMessage).toBe(
      "The bot's key for the image service has used up its spending limit, so nothing was generated or billed. An operator needs to raise it; press Retry after that.",
    );
    expect(error.message).toContain(
      'pre_consume_token_quota_failed: token quota is not enough, token remain quota: ＄0.001000, need quota: ＄0.050000 (request id: ',
    );
    expect(error.message).toContain(
      "— IMAGE_API_KEY reached its own quota on the gateway: raise the key's limit (or make it unlimited) in the gateway's token settings",
    );
  });

  it('a 403 that is not about credit still reads as no access to the model', async () => {
    stock.enqueue({ kind: 'status', status: 403 });
    const error = await failure({ prompt: 'a fox', model: 'gpt-image-1' });
    expect(error.code).toBe('auth');
    expect(error.memberMessage).toBe(
      'The image service says our API key may not use this model. An operator needs to check its access.',
    );
  });
});

describe('an error inside an HTTP 200 answer is that error', () => {
  it.each([
    ['Seedream', 'seedream-4'],
    ['GPT Image', 'gpt-image-1'],
  ])('%s: OutputImageSensitiveContentDetected is a refusal, not "no images"', async (_name, model) => {
    stock.enqueue({ kind: 'error-in-200' });
    const error = await failure({ prompt: 'a beach', model });

    expect(error.code).toBe('content_rejected');
    expect(error.memberMessage).toBe(
      "The model's safety system blocked this prompt, so no image was made. Try rewording it; this refusal is not retried.",
    );
    expect(error.details).toMatchObject({
      status: 200,
      upstreamCode: 'OutputImageSensitiveContentDetected',
      upstreamMessage: 'The request failed because the output image may contain sensitive information.',
      requestId: posted(stock)[0]?.requestId,
    });
    expect(error.message).toBe(
      'image API 200 carrying an error OutputImageSensitiveContentDetected: The request failed because the output image may contain sensitive information.',
    );
  });

  it('keeps the good image of an answer whose other image carries an error, and says one is missing', async () => {
    stock.enqueue({ kind: 'error-in-200', partial: true });
    const result = await stockClient.provider.generate(
      requestFor({ prompt: 'two gulls', model: 'gpt-image-1', count: 2 }, 'new-api'),
    );

    expect(posted(stock)).toHaveLength(1);
    expect(result.images).toHaveLength(1);
    expect(result.notices).toEqual([
      "1 of the 2 images could not be made: The model's safety system blocked this prompt, so no image was made. Try rewording it; this refusal is not retried.",
    ]);
  });
});
