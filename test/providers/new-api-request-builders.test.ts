import { describe, expect, it } from 'vitest';
import type { ImagineRequest, InputImage } from '../../src/core/imagine-request.js';
import { createModelCatalogue, type ModelOverride } from '../../src/core/models/model-catalogue.js';
import type { ImageApiDialect } from '../../src/core/models/model-spec.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { chooseRequestBuilder, planUpstreamCalls } from '../../src/providers/request-builder.js';
import { encodeUpstreamBody } from '../../src/providers/upstream-body.js';
import { encodePng } from '../fakes/fake-image-api-png.js';

const png = Buffer.from(encodePng(2, 2, () => [1, 2, 3]));
const image: InputImage = { bytes: png, mimeType: 'image/png' };
const dataUrl = `data:image/png;base64,${png.toString('base64')}`;

function validated(input: ImagineRequest, dialect: ImageApiDialect = 'new-api', overrides: ModelOverride[] = []) {
  const catalogue = createModelCatalogue(overrides, { dialect });
  return validateRequest(input, { catalogue, defaultModel: 'nano-banana', randomSeed: () => 42 });
}

function calls(input: ImagineRequest, overrides: ModelOverride[] = []) {
  const { request } = validated(input, 'new-api', overrides);
  const build = chooseRequestBuilder(request.model.family, 'new-api');
  return planUpstreamCalls(request, request.inputImages.length > 0 ? [dataUrl] : []).map((call) =>
    build(request, call),
  );
}

describe('the dialect seam', () => {
  it('picks builders per family and dialect, documented by default', () => {
    const { request } = validated({ prompt: 'x', model: 'nano-banana' }, 'documented');
    const [call] = planUpstreamCalls(request, []);
    if (!call) throw new Error('no call');
    expect(chooseRequestBuilder('gemini')(request, call).path).toBe('/v1/images/generations');
    expect(chooseRequestBuilder('gemini', 'new-api')(request, call)).toMatchObject({
      path: '/v1/chat/completions',
      route: 'chat',
    });
  });

  it('fills the dialect from IMAGE_API_DIALECT and keeps a model’s own', () => {
    const catalogue = createModelCatalogue([{ id: 'qwen-image-plus', dialect: 'documented' }], { dialect: 'new-api' });
    expect(catalogue.resolve('gpt-image-1').dialect).toBe('new-api');
    expect(catalogue.resolve('qwen-image-plus').dialect).toBe('documented');
    expect(createModelCatalogue().resolve('gpt-image-1').dialect).toBeUndefined();
  });
});

describe('new-api request bodies', () => {
  it('Gemini chat carries full-context history as user and assistant messages', () => {
    const { request } = validated({ prompt: 'add a moon', inputImages: [image] });
    const history = [
      { role: 'user' as const, text: 'a lighthouse', images: [] },
      { role: 'model' as const, images: [image] },
    ];
    const [call] = planUpstreamCalls(request, [dataUrl]);
    const body = chooseRequestBuilder('gemini', 'new-api')({ ...request, history }, call!).body;
    expect(body['messages']).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a lighthouse' }] },
      { role: 'assistant', content: [{ type: 'image_url', image_url: { url: dataUrl } }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'add a moon' },
          { type: 'image_url', image_url: { url: dataUrl } },
        ],
      },
    ]);
  });

  it('Gemini native makes one call per image, with no n and the tier only where taken', () => {
    const overrides = [{ id: 'gemini-2.5-flash-image', wire: { geminiNative: true } }];
    const made = calls({ prompt: 'x', count: 2, aspectRatio: '9:16' }, overrides);
    expect(made).toHaveLength(2);
    expect(made[0]).toEqual({
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-flash-image:generateContent',
      route: 'gemini-native',
      body: {
        contents: [{ role: 'user', parts: [{ text: 'x' }] }],
        generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '9:16' } },
      },
    });
  });

  it('Seedream sends n and never a seed; SeedEdit its one image as a string', () => {
    expect(calls({ prompt: 'x', model: 'seededit', seed: 3, inputImages: [image] })[0]?.body).toEqual({
      model: 'doubao-seededit-3-0-i2i-250628',
      prompt: 'x',
      image: dataUrl,
      size: 'adaptive',
      watermark: false,
      n: 1,
      response_format: 'url',
    });
  });

  it('Qwen makes --n 2 with two calls seeded s and s+1 in parameters', () => {
    const made = calls({ prompt: 'x', model: 'qwen', count: 2, seed: 10 });
    expect(made.map((call) => (call.body['parameters'] as { seed: number }).seed)).toEqual([10, 11]);
    expect(made.map((call) => call.body['n'])).toEqual([1, 1]);
  });

  it('GPT Image edits send input_fidelity from the catalogue', () => {
    const overrides = [{ id: 'gpt-image-1', wire: { inputFidelity: 'high' as const, gptImageEdits: 'json' as const } }];
    expect(calls({ prompt: 'x', model: 'gpt-image-1', inputImages: [image] }, overrides)[0]?.body).toMatchObject({
      input_fidelity: 'high',
      images: [{ image_url: dataUrl }],
    });
  });

  it('encodes a GPT edit as multipart/form-data that a standard parser reads back', async () => {
    const [edit] = calls({ prompt: 'a "quoted" prompt', model: 'gpt-image-1', inputImages: [image] });
    if (!edit) throw new Error('no edit');
    const { body, contentType } = encodeUpstreamBody(edit);
    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    expect(form.get('prompt')).toBe('a "quoted" prompt');
    expect(form.get('input_fidelity')).toBe('low');
    const file = form.get('image[]') as File;
    expect([file.name, file.type]).toEqual(['image-1.png', 'image/png']);
    expect(Buffer.compare(Buffer.from(await file.arrayBuffer()), png)).toBe(0);
  });
});

describe('notices for what a stock new-api gateway drops', () => {
  it('tells a member that --seed has no effect on Seedream there, picks no seed and shows none', () => {
    const asked = validated({ prompt: 'x', model: 'seedream-4', seed: 7 });
    expect(asked.request.seed).toBeUndefined();
    expect(asked.notices).toEqual([
      {
        code: 'seed_ignored',
        message:
          'doubao-seedream-4-0-250828 takes a seed, but this image gateway (stock new-api) drops it, so --seed has no effect there.',
      },
    ]);
    expect(validated({ prompt: 'x', model: 'seedream-4' }).request.seed).toBeUndefined();
    expect(validated({ prompt: 'x', model: 'seedream-4' }, 'documented').request.seed).toBe(42);
  });

  it('tells a member that --no has no effect on Qwen there, and keeps the seed Qwen still takes', () => {
    const asked = validated({ prompt: 'x', model: 'qwen', negativePrompt: 'people', seed: 9 });
    expect(asked.request).toMatchObject({ seed: 9 });
    expect(asked.request.negativePrompt).toBeUndefined();
    expect(asked.notices).toEqual([
      {
        code: 'negative_ignored',
        message:
          'qwen-image-plus takes a negative prompt, but this image gateway (stock new-api) drops it, so --no has no effect there. Say what to avoid in the prompt instead.',
      },
    ]);
  });

  it('follows a model pinned to the documented dialect: its seed and negative prompt still count', () => {
    const pinned = [{ id: 'doubao-seedream-4-0-250828', dialect: 'documented' as const }];
    const asked = validated({ prompt: 'x', model: 'seedream-4', seed: 7 }, 'new-api', pinned);
    expect(asked.request.seed).toBe(7);
    expect(asked.notices).toEqual([]);
  });
});
