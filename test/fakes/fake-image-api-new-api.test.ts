import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeFamily, type FakeImageApi, startFakeImageApi } from './fake-image-api.js';
import { callFake, generateWithFake, resultData } from './fake-image-api-http.js';
import { encodePng } from './fake-image-api-png.js';

const png = Buffer.from(encodePng(2, 2, () => [255, 0, 0]));
const pngDataUrl = `data:image/png;base64,${png.toString('base64')}`;

let fake: FakeImageApi;
beforeAll(async () => {
  fake = await startFakeImageApi({ dialect: 'new-api' });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  callFake(fake, path, { method: 'POST', body: JSON.stringify(body), headers });
const chat = (body: Record<string, unknown>) =>
  post('/v1/chat/completions', {
    model: 'gemini-2.5-flash-image',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'a cat' }] }],
    ...body,
  });
const nativePath = '/v1beta/models/gemini-3-pro-image-preview:generateContent';

describe('the fake image API as a stock new-api gateway', () => {
  it('names its version on every answer, and the documented fake names none', async () => {
    const answers = await Promise.all([
      callFake(fake, '/v1/models'),
      callFake(fake, '/nope'),
      generateWithFake(fake, { model: 'gpt-image-1', prompt: 'x' }),
    ]);
    expect(answers.map((answer) => answer.headers.get('x-new-api-version'))).toEqual([
      'v0.9.0-fake',
      'v0.9.0-fake',
      'v0.9.0-fake',
    ]);
    expect(answers[1]?.json).toEqual({
      error: {
        message: `Invalid URL (GET /nope) (request id: ${answers[1]?.headers.get('x-oneapi-request-id')})`,
        type: 'invalid_request_error',
        param: '',
        code: 'not_found',
      },
    });
    const documented = await startFakeImageApi();
    try {
      expect((await callFake(documented, '/v1/models')).headers.get('x-new-api-version')).toBeNull();
    } finally {
      await documented.close();
    }
  });

  it('refuses a Gemini model on /v1/images/generations with 500 convert_request_failed', async () => {
    const answer = await generateWithFake(fake, { model: 'gemini-2.5-flash-image', prompt: 'x', size: '1:1' });
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ error: { type: 'new_api_error', code: 'convert_request_failed', param: '' } });
    expect(fake.violations).toEqual([]);
  });

  it('records the fields it drops, and answers without them', async () => {
    await generateWithFake(fake, {
      model: 'doubao-seedream-4-0-250828',
      prompt: 'x',
      seed: 42,
      guidance_scale: 3,
      contents: [{ role: 'user', parts: [{ text: 'x' }] }],
    });
    await generateWithFake(fake, {
      model: 'qwen-image-plus',
      prompt: 'x',
      negative_prompt: 'y',
      parameters: { size: '1328*1328', n: 1, negative_prompt: 'people' },
    });
    await generateWithFake(fake, { model: 'gpt-image-1', prompt: 'x', image: pngDataUrl });
    await chat({
      extra_body: { google: { imageConfig: { aspectRatio: '1:1' }, image_config: { aspect_ratio: '1:1' } } },
    });
    expect(fake.requests.map((request) => request.dropped)).toEqual([
      ['seed', 'guidance_scale', 'contents'],
      ['negative_prompt', 'parameters.negative_prompt'],
      ['image'],
      ['extra_body.google.imageConfig'],
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('answers Qwen with a URL and an empty b64_json, whatever was asked', async () => {
    const answer = await generateWithFake(fake, { model: 'qwen-image-plus', prompt: 'x', response_format: 'b64_json' });
    const [item] = resultData(answer);
    expect(item?.b64_json).toBe('');
    expect(item?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/img-\d+\.png$/);
  });

  it.each<[FakeFamily, string, string]>([
    ['gpt', 'gpt-image-1', 'moderation_blocked'],
    ['seedream', 'doubao-seedream-4-0-250828', 'InputTextSensitiveContentDetected'],
    ['qwen', 'qwen-image-plus', 'bad_response_status_code'],
  ])('refuses a %s prompt with the shape new-api passes through', async (_family, model, code) => {
    fake.enqueue({ kind: 'moderation' });
    const answer = await generateWithFake(fake, { model, prompt: 'forbidden' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: { code, param: '', message: expect.stringMatching(/\(request id: fake-/) },
    });
  });

  it('refuses a Gemini chat prompt with 400 prompt_blocked, or a 200 content_filter without an image', async () => {
    fake.enqueue({ kind: 'moderation' }, { kind: 'content-filter' });
    expect((await chat({})).json).toMatchObject({ error: { code: 'prompt_blocked' } });
    const filtered = await chat({});
    expect(filtered.status).toBe(200);
    expect(filtered.json).toMatchObject({ choices: [{ finish_reason: 'content_filter', message: { content: '' } }] });
  });

  it('answers a chat completion with the image as a markdown data URL', async () => {
    const answer = await chat({ extra_body: { google: { image_config: { aspect_ratio: '16:9' } } } });
    const content = (answer.json as { choices: { message: { content: string } }[] }).choices[0]?.message.content;
    expect(content).toMatch(/^Here is the image\.\n\n!\[image\]\(data:image\/png;base64,[A-Za-z0-9+/=]+\)$/);
  });

  it('checks chat shapes: snake_case options, a user message last, no tier for 2.5 Flash', async () => {
    const answer = await chat({
      messages: [{ role: 'assistant', content: [{ type: 'image', data: 'x' }] }],
      extra_body: { google: { image_config: { aspect_ratio: '7:5', image_size: '2K' } } },
    });
    expect(answer.status).toBe(400);
    expect(fake.violations[0]?.message).toContain('messages[0].content[0] must be {type: "text", text}');
    expect(fake.violations[0]?.message).toContain('the last message must be the user’s');
    expect(fake.violations[0]?.message).toContain('extra_body.google.image_config.aspect_ratio must be one of');
    expect(fake.violations[0]?.message).toContain('image_size must be omitted for gemini-2.5-flash-image');
  });

  it('rejects a size with × as new-api’s own validation error', async () => {
    const answer = await generateWithFake(fake, { model: 'gpt-image-1', prompt: 'x', size: '1024×1024' });
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ error: { type: 'new_api_error', code: 'invalid_request' } });
  });

  it('answers an unknown model as new-api does: no available channel', async () => {
    const answer = await generateWithFake(fake, { model: 'dall-e-9', prompt: 'x' });
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ error: { code: 'model_not_found', type: 'new_api_error' } });
  });

  it('takes GPT edits as multipart image[] files and checks they are images', async () => {
    const form = new FormData();
    form.append('model', 'gpt-image-1');
    form.append('prompt', 'as ink');
    form.append('input_fidelity', 'low');
    form.append('image[]', new Blob([png], { type: 'image/png' }), 'a.png');
    const ok = await fetch(`${fake.url}/v1/images/edits`, {
      method: 'POST',
      body: form,
      headers: { authorization: 'Bearer sk-test' },
    });
    expect(ok.status).toBe(200);
    expect(fake.requests[0]?.body).toEqual({ model: 'gpt-image-1', prompt: 'as ink', input_fidelity: 'low' });
    expect(fake.requests[0]?.parts?.at(-1)).toMatchObject({ name: 'image[]', filename: 'a.png', type: 'image/png' });

    form.set('image[]', new Blob([Buffer.from('not an image')], { type: 'image/png' }), 'b.png');
    form.set('input_fidelity', 'auto');
    const bad = await fetch(`${fake.url}/v1/images/edits`, {
      method: 'POST',
      body: form,
      headers: { authorization: 'Bearer sk-test' },
    });
    expect(bad.status).toBe(400);
    expect(fake.violations[0]?.message).toContain('image[] #1 is not an image');
    expect(fake.violations[0]?.message).toContain('input_fidelity must be one of high | low');
  });

  it('relays native generateContent: a key in x-goog-api-key, thought signatures it issued accepted back', async () => {
    const ask = (contents: unknown[]) =>
      post(nativePath, { contents }, { authorization: '', 'x-goog-api-key': 'sk-test' });
    const first = await ask([{ role: 'user', parts: [{ text: 'a lighthouse' }] }]);
    expect(first.status).toBe(200);
    type Part = { text?: string; inlineData?: { mimeType: string; data: string }; thoughtSignature?: string };
    const parts = (first.json as { candidates: { content: { parts: Part[] } }[] }).candidates[0]?.content.parts ?? [];
    expect(parts.map((part) => Object.keys(part).sort())).toEqual([
      ['text', 'thoughtSignature'],
      ['inlineData', 'thoughtSignature'],
      ['text', 'thoughtSignature'],
    ]);
    expect(parts[2]?.text).toBe('');

    const next = (signature: string | undefined) =>
      ask([
        { role: 'user', parts: [{ text: 'a lighthouse' }] },
        { role: 'model', parts: [{ ...parts[1], thoughtSignature: signature }] },
        { role: 'user', parts: [{ text: 'make it stormy' }] },
      ]);
    expect((await next(parts[1]?.thoughtSignature)).status).toBe(200);
    expect(fake.violations).toEqual([]);
    expect((await next('Zm9yZ2Vk')).status).toBe(400);
    expect(fake.violations[0]?.message).toContain(
      'contents[1].parts[0].thoughtSignature was not issued by this gateway',
    );
  });

  it('relays Gemini’s 400 for a part new-api re-serialises without data (an empty text beside a signature)', async () => {
    const contents = [
      { role: 'user', parts: [{ text: 'a lighthouse' }] },
      { role: 'model', parts: [{ text: '', thoughtSignature: 'c2ln' }] },
      { role: 'user', parts: [{ text: 'make it stormy' }] },
    ];
    const answer = await post(nativePath, { contents });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: {
        message:
          "* GenerateContentRequest.contents[1].parts[0].data: required oneof field 'data' must have one initialized field",
        type: 'upstream_error',
        param: '',
        code: 400,
      },
    });
    expect(fake.violations).toHaveLength(1);
  });

  it('refuses a native prompt with promptFeedback and a filtered image with IMAGE_SAFETY', async () => {
    fake.enqueue({ kind: 'moderation' }, { kind: 'content-filter' });
    const contents = [{ role: 'user', parts: [{ text: 'forbidden' }] }];
    expect((await post(nativePath, { contents })).json).toMatchObject({
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
    });
    expect((await post(nativePath, { contents })).json).toMatchObject({
      candidates: [{ finishReason: 'IMAGE_SAFETY', content: { parts: [] } }],
    });
  });
});
