import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImagineRequest } from '../../src/core/imagine-request.js';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { type FakeImageApi, type RecordedRequest, startFakeImageApi } from '../fakes/fake-image-api.js';
import { createFakeApiProvider, type FakeApiProvider } from '../support/fake-api-provider.js';
import { harnessTracker } from '../support/harness-tracker.js';
import { distinctFakeImages } from '../support/image-bytes.js';

/** Nano Banana Pro through native generateContent on a stock new-api gateway (IMAGE_API_DIALECT=new-api). */
const catalogue = createModelCatalogue([{ id: 'gemini-3-pro-image-preview', wire: { geminiNative: true } }], {
  dialect: 'new-api',
});
const nativePath = '/v1beta/models/gemini-3-pro-image-preview:generateContent';

interface NativePart {
  text?: string;
  inlineData?: { mimeType: string; data: string };
  thoughtSignature?: string;
}
type NativeBody = { contents: { role: string; parts: NativePart[] }[]; generationConfig: unknown };
const nativeBodies = (fake: FakeImageApi) =>
  fake.requests.filter((request) => request.path === nativePath).map((request) => request.body as NativeBody);

let fake: FakeImageApi;
let client: FakeApiProvider;
const harnesses = harnessTracker();

beforeAll(async () => {
  fake = await startFakeImageApi({ dialect: 'new-api', b64Image: distinctFakeImages() });
  client = createFakeApiProvider(fake.url, { dialect: 'new-api' });
});
afterEach(async () => {
  await harnesses.closeAll();
  expect(fake.violations).toEqual([]);
  fake.reset();
});
afterAll(async () => {
  await client.close();
  await fake.close();
});

const validated = (input: ImagineRequest) =>
  validateRequest(input, { catalogue, defaultModel: 'gemini-3-pro-image-preview', randomSeed: () => 1 }).request;

describe('Gemini native multi-turn on stock new-api', () => {
  it('sends camelCase contents with inlineData and keeps the answer’s thought signatures as provider state', async () => {
    const result = await client.provider.generate(
      validated({ prompt: 'a lighthouse', aspectRatio: '16:9', size: '2K' }),
    );

    const [body] = nativeBodies(fake);
    expect(body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a lighthouse' }] }],
      generationConfig: {
        responseModalities: ['TEXT', 'IMAGE'],
        imageConfig: { aspectRatio: '16:9', imageSize: '2K' },
      },
    });
    expect(result.images).toHaveLength(1);
    expect(result.providerState).toEqual({
      kind: 'gemini-native',
      model: 'gemini-3-pro-image-preview',
      prompt: 'a lighthouse',
      outputs: [
        {
          parts: [
            { text: 'Here is the image.', thoughtSignature: expect.any(String) },
            { image: true, thoughtSignature: expect.any(String) },
          ],
        },
      ],
    });
  });

  it('sends the first turn back as a model turn with its signatures when the second turn continues it', async () => {
    const first = await client.provider.generate(validated({ prompt: 'a lighthouse' }));
    const output = first.images[0];
    if (!output) throw new Error('no first image');
    const second = validated({
      prompt: 'make it stormy',
      inputImages: [{ bytes: output.bytes, mimeType: output.mimeType }],
    });

    await client.provider.generate({ ...second, previousTurn: { providerState: first.providerState, outputIndex: 0 } });

    const signatures = (
      first.providerState as { outputs: { parts: { thoughtSignature: string }[] }[] }
    ).outputs[0]?.parts.map((part) => part.thoughtSignature);
    const base = Buffer.from(output.bytes).toString('base64');
    expect(nativeBodies(fake)[1]?.contents).toEqual([
      { role: 'user', parts: [{ text: 'a lighthouse' }] },
      {
        role: 'model',
        parts: [
          { text: 'Here is the image.', thoughtSignature: signatures?.[0] },
          { inlineData: { mimeType: 'image/png', data: base }, thoughtSignature: signatures?.[1] },
        ],
      },
      { role: 'user', parts: [{ text: 'make it stormy' }] },
    ]);
  });

  it('sends back only the parts that carry data, with their signatures, when a stored turn has an empty text part', async () => {
    const first = await client.provider.generate(validated({ prompt: 'a lighthouse' }));
    const output = first.images[0];
    if (!output) throw new Error('no first image');
    // State as earlier versions kept it: the answer's signature-only part stored as an empty text.
    const state = first.providerState as { outputs: { parts: object[] }[] };
    const withEmpty = {
      ...state,
      outputs: [{ parts: [...(state.outputs[0]?.parts ?? []), { text: '', thoughtSignature: 'ZW1wdHk=' }] }],
    };
    const second = validated({
      prompt: 'make it stormy',
      inputImages: [{ bytes: output.bytes, mimeType: output.mimeType }],
    });

    const result = await client.provider.generate({
      ...second,
      previousTurn: { providerState: withEmpty, outputIndex: 0 },
    });

    expect(result.images).toHaveLength(1);
    const modelTurn = nativeBodies(fake)[1]?.contents[1];
    expect(modelTurn?.parts.map((part) => Object.keys(part).sort())).toEqual([
      ['text', 'thoughtSignature'],
      ['inlineData', 'thoughtSignature'],
    ]);
    expect(modelTurn?.parts.every((part) => part.thoughtSignature !== 'ZW1wdHk=')).toBe(true);
  });

  it('ignores state another model left and sends the base image in the user turn', async () => {
    const first = await client.provider.generate(validated({ prompt: 'a lighthouse' }));
    const state = { ...(first.providerState as object), model: 'gemini-2.5-flash-image' };
    const output = first.images[0];
    if (!output) throw new Error('no first image');
    const second = validated({
      prompt: 'make it stormy',
      inputImages: [{ bytes: output.bytes, mimeType: output.mimeType }],
    });

    await client.provider.generate({ ...second, previousTurn: { providerState: state, outputIndex: 0 } });

    const contents = nativeBodies(fake)[1]?.contents;
    expect(contents).toHaveLength(1);
    expect(contents?.[0]?.parts.map((part) => Object.keys(part))).toEqual([['text'], ['inlineData']]);
  });

  it('keeps the signatures on the turn in the store and continues from them on the next edit', async () => {
    const harness = harnesses.create({
      provider: client.provider,
      catalogue,
      settings: { defaultModel: 'gemini-3-pro-image-preview' },
    });
    const first = await harness.imagineDelivered('a lighthouse at dusk');
    const edit = await harness.settle((await harness.edit(first.turn.conversationId, 'make it stormy')).job.id);

    expect(edit.job.state).toBe('delivered');
    const stored = first.turn.providerState as { outputs: { parts: { thoughtSignature?: string }[] }[] };
    const signatures = stored.outputs[0]?.parts.map((part) => part.thoughtSignature);
    expect(signatures).toHaveLength(2);
    const [, second] = fake.requests.filter((request: RecordedRequest) => request.path === nativePath);
    const modelTurn = (second?.body as NativeBody | undefined)?.contents[1];
    expect(modelTurn?.role).toBe('model');
    expect(modelTurn?.parts.map((part) => part.thoughtSignature)).toEqual(signatures);
    // The model turn's image is the first turn's stored output, byte for byte.
    const image = modelTurn?.parts[1]?.inlineData?.data ?? '';
    const output = await harness.blobs.get(first.turn.outputImages[0]?.hash ?? '');
    expect(Buffer.compare(Buffer.from(image, 'base64'), Buffer.from(output))).toBe(0);
    // The edit's own answer is kept for the turn after it.
    expect(edit.turn.providerState).toMatchObject({ kind: 'gemini-native', prompt: 'make it stormy' });
  });
});
