import { describe, expect, it } from 'vitest';
import type { ImagineRequest, InputImage } from '../../src/core/imagine-request.js';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { chooseRequestBuilder, planUpstreamCalls } from '../../src/providers/request-builder.js';

const catalogue = createModelCatalogue();
const png: InputImage = { bytes: new Uint8Array([1]), mimeType: 'image/png' };
const dataUrl = 'data:image/png;base64,iVBOR';

function bodies(input: ImagineRequest, imageUrls: string[] = []) {
  const { request } = validateRequest(input, { catalogue, defaultModel: 'nano-banana', randomSeed: () => 42 });
  const build = chooseRequestBuilder(request.model.family);
  return planUpstreamCalls(request, imageUrls).map((call) => build(request, call));
}

describe('documented dialect request bodies', () => {
  it('Gemini text-to-image: the ratio as size, image_size only where taken', () => {
    expect(
      bodies({ prompt: 'orange kitten in a garden', model: 'nano-banana-pro', aspectRatio: '16:9', size: '2K' }),
    ).toEqual([
      {
        method: 'POST',
        path: '/v1/images/generations',
        body: {
          model: 'gemini-3-pro-image-preview',
          prompt: 'orange kitten in a garden',
          size: '16:9',
          image_size: '2K',
          n: 1,
          response_format: 'b64_json',
        },
      },
    ]);
    expect(bodies({ prompt: 'x', model: 'nano-banana' })[0]?.body).not.toHaveProperty('image_size');
  });

  it('Gemini edit: one user turn in contents with text then image parts', () => {
    const [call] = bodies({ prompt: 'make it night time', inputImages: [png] }, [dataUrl]);
    expect(call?.body).toEqual({
      model: 'gemini-2.5-flash-image',
      size: '1:1',
      response_format: 'b64_json',
      contents: [{ role: 'user', parts: [{ text: 'make it night time' }, { image: dataUrl }] }],
    });
  });

  it('Gemini makes --n 3 with three calls of one image', () => {
    expect(bodies({ prompt: 'x', count: 3 }).map((call) => call.body.n)).toEqual([1, 1, 1]);
  });

  it('Seedream: image array, WxH size, watermark off, seed per call, URL results', () => {
    const calls = bodies(
      {
        prompt: 'same character at night',
        model: 'seedream-4',
        aspectRatio: '1:1',
        seed: 42,
        count: 2,
        inputImages: [png],
      },
      [dataUrl],
    );
    expect(calls.map((call) => call.body)).toEqual([
      {
        model: 'doubao-seedream-4-0-250828',
        prompt: 'same character at night',
        image: [dataUrl],
        size: '2048x2048',
        watermark: false,
        seed: 42,
        response_format: 'url',
      },
      expect.objectContaining({ seed: 43 }),
    ]);
  });

  it('SeedEdit takes a single image string and an adaptive size', () => {
    expect(bodies({ prompt: 'make it red', model: 'seededit', inputImages: [png] }, [dataUrl])[0]?.body).toEqual({
      model: 'doubao-seededit-3-0-i2i-250628',
      prompt: 'make it red',
      image: dataUrl,
      size: 'adaptive',
      watermark: false,
      seed: 42,
      response_format: 'url',
    });
  });

  it('GPT Image: nearest size, quality, n in one call, image for edits, no response_format', () => {
    expect(bodies({ prompt: 'a fox', model: 'gpt-image-1', aspectRatio: '16:9', quality: 'high', count: 4 })).toEqual([
      {
        method: 'POST',
        path: '/v1/images/generations',
        body: { model: 'gpt-image-1', prompt: 'a fox', size: '1536x1024', quality: 'high', n: 4 },
      },
    ]);
    expect(
      bodies({ prompt: 'a fox', model: 'gpt-image-1-mini', inputImages: [png, png] }, [dataUrl, dataUrl])[0]?.body,
    ).toEqual({
      model: 'gpt-image-1-mini',
      prompt: 'a fox',
      image: [dataUrl, dataUrl],
      size: '1024x1024',
      n: 1,
    });
  });

  it('GPT Image can send inputs in contents when the catalogue says so', () => {
    const switched = createModelCatalogue([{ id: 'gpt-image-1', wire: { gptImageInputField: 'contents' } }]);
    const { request } = validateRequest(
      { prompt: 'x', model: 'gpt-image-1', inputImages: [png] },
      { catalogue: switched, defaultModel: 'gpt-image-1', randomSeed: () => 1 },
    );
    const [call] = planUpstreamCalls(request, [dataUrl]);
    expect(chooseRequestBuilder('gpt-image')(request, call!).body.contents).toEqual([
      { role: 'user', parts: [{ text: 'x' }, { image: dataUrl }] },
    ]);
  });

  it('Qwen text-to-image: W*H size, options flat and in parameters, one image per call', () => {
    const calls = bodies({
      prompt: 'a tea house',
      model: 'qwen',
      aspectRatio: '16:9',
      negativePrompt: 'people',
      count: 2,
    });
    expect(calls[0]?.body).toEqual({
      model: 'qwen-image-plus',
      prompt: 'a tea house',
      size: '1664*928',
      n: 1,
      seed: 42,
      negative_prompt: 'people',
      watermark: false,
      parameters: {
        size: '1664*928',
        n: 1,
        seed: 42,
        negative_prompt: 'people',
        watermark: false,
        prompt_extend: false,
      },
      response_format: 'b64_json',
    });
    expect(calls[1]?.body.seed).toBe(43);
  });

  it('Qwen edit: image parts first, then one text part', () => {
    const [call] = bodies({ prompt: 'make it snowy', model: 'qwen', inputImages: [png, png] }, [dataUrl, dataUrl]);
    expect(call?.body.model).toBe('qwen-image-edit-plus');
    expect(call?.body.contents).toEqual([
      { role: 'user', parts: [{ image: dataUrl }, { image: dataUrl }, { text: 'make it snowy' }] },
    ]);
    expect(call?.body).not.toHaveProperty('prompt');
  });
});
