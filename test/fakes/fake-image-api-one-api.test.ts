import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { ImageApiError } from '../../src/providers/image-api-error.js';
import { createFakeApiProvider, type FakeApiProvider } from '../support/fake-api-provider.js';
import { type FakeImageApi, startFakeImageApi } from './fake-image-api.js';
import { callFake, generateWithFake, resultData } from './fake-image-api-http.js';
import { encodePng } from './fake-image-api-png.js';

/** one-api (songquanpeng/one-api) as far as image models go: why neither dialect works through it. */
const png = Buffer.from(encodePng(2, 2, () => [255, 0, 0]));
const pngDataUrl = `data:image/png;base64,${png.toString('base64')}`;

let fake: FakeImageApi;
let client: FakeApiProvider;
beforeAll(async () => {
  fake = await startFakeImageApi({ dialect: 'one-api' });
  client = createFakeApiProvider(fake.url, { dialect: 'new-api' });
});
afterAll(async () => {
  await client.close();
  await fake.close();
});
afterEach(() => fake.reset());

const requestId = (answer: { headers: Headers }) => answer.headers.get('x-oneapi-request-id');

describe('the fake image API as one-api', () => {
  it('sends no X-New-Api-Version, has no /v1beta route and names its own errors one_api_error', async () => {
    const [models, v1beta, refused] = await Promise.all([
      callFake(fake, '/v1/models'),
      callFake(fake, '/v1beta/models'),
      callFake(fake, '/v1/models', { headers: { authorization: 'Bearer nope' } }),
    ]);
    expect(models.headers.get('x-new-api-version')).toBeNull();
    expect(models.json).toMatchObject({
      object: 'list',
      data: expect.arrayContaining([expect.objectContaining({ id: 'gpt-image-1', root: 'gpt-image-1' })]),
    });
    expect(v1beta).toMatchObject({
      status: 404,
      json: { error: { message: 'Invalid URL (GET /v1beta/models)', type: 'invalid_request_error' } },
    });
    expect(refused).toMatchObject({
      status: 401,
      json: { error: { message: `无效的令牌 (request id: ${requestId(refused)})`, type: 'one_api_error' } },
    });
  });

  it('answers 501 on /v1/images/edits, and forwards a Gemini body to generateContent, which refuses it', async () => {
    const edit = await callFake(fake, '/v1/images/edits', {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-image-1', prompt: 'x' }),
    });
    expect(edit).toMatchObject({
      status: 501,
      json: { error: { type: 'one_api_error', code: 'api_not_implemented' } },
    });
    const gemini = await generateWithFake(fake, { model: 'gemini-2.5-flash-image', prompt: 'a cat', size: '1:1' });
    expect(gemini.status).toBe(400);
    expect(gemini.json).toMatchObject({
      error: { code: 400, message: expect.stringContaining('Unknown name "prompt"') },
    });
  });

  it('has no images URL for a Doubao channel, and rebuilds a Qwen request from prompt, size and n only', async () => {
    const seedream = await generateWithFake(fake, {
      model: 'doubao-seedream-4-0-250828',
      prompt: 'dunes',
      image: [pngDataUrl],
    });
    expect(seedream).toMatchObject({
      status: 500,
      json: { error: { code: 'do_request_failed', type: 'one_api_error' } },
    });
    const qwen = await generateWithFake(fake, {
      model: 'qwen-image-edit-plus',
      prompt: 'in winter',
      n: 1,
      parameters: { n: 1, prompt_extend: false },
      input: { messages: [{ role: 'user', content: [{ image: pngDataUrl }, { text: 'in winter' }] }] },
    });
    expect(qwen.status).toBe(200);
    expect(resultData(qwen)).toEqual([{ url: expect.stringMatching(/\/files\/img-\d+\.png$/) }]);
    expect(fake.requests.at(-1)?.dropped).toEqual(['parameters', 'input']);
  });

  it('loses Gemini’s image in a chat answer: the new-api dialect reads words, not an image', async () => {
    const catalogue = createModelCatalogue([], { dialect: 'new-api' });
    const request = validateRequest(
      { prompt: 'a cat' },
      { catalogue, defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 1 },
    ).request;
    const error = await client.provider.generate(request).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ImageApiError);
    expect((error as ImageApiError).memberMessage).toBe(
      'The model answered in words instead of an image: “Here is the image.”',
    );
  });
});
