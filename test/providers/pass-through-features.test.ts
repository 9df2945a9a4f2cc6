import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagineRequestOf, requestInputFrom } from '../../src/core/engine/build-request.js';
import type { ImagineRequest } from '../../src/core/imagine-request.js';
import { createModelCatalogue, type ModelOverride } from '../../src/core/models/model-catalogue.js';
import type { ImageApiDialect } from '../../src/core/models/model-spec.js';
import { UserFacingError } from '../../src/core/user-facing-error.js';
import { validateRequest } from '../../src/core/validate-request.js';
import type { RequestOptions } from '../../src/providers/upstream-request.js';
import { type FakeImageApi, type RecordedRequest, startFakeImageApi } from '../fakes/fake-image-api.js';
import { encodePng } from '../fakes/fake-image-api-png.js';
import { createFakeApiProvider, type FakeApiProvider } from '../support/fake-api-provider.js';

/** What the gateway passes through, used: asserted on the wire, against fakes that check each field's values. */
const basePng = Buffer.from(encodePng(40, 30, (x, y) => [200, x * 6, y * 8]));
const base = { bytes: basePng, mimeType: 'image/png' };
const fakes: FakeImageApi[] = [];
const clients: FakeApiProvider[] = [];

async function gateway(
  dialect: ImageApiDialect,
  options: { passThrough?: boolean; requestOptions?: RequestOptions } = {},
) {
  const fake = await startFakeImageApi({ dialect, ...(options.passThrough ? { passThrough: true } : {}) });
  const client = createFakeApiProvider(fake.url, {
    dialect,
    ...(options.requestOptions ? { requestOptions: options.requestOptions } : {}),
  });
  fakes.push(fake);
  clients.push(client);
  return { fake, provider: client.provider };
}

let documented: Awaited<ReturnType<typeof gateway>>;
let stock: Awaited<ReturnType<typeof gateway>>;

beforeAll(async () => {
  [documented, stock] = await Promise.all([gateway('documented'), gateway('new-api')]);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(fakes.map((fake) => fake.close()));
});

/** Validates like the bot does: inline flags parsed out of the prompt, then checked against the catalogue. */
function validated(dialect: ImageApiDialect, input: ImagineRequest, overrides: ModelOverride[] = []) {
  const catalogue = createModelCatalogue(overrides, { dialect });
  const flagged = imagineRequestOf(
    requestInputFrom(input.prompt, undefined, { member: {}, server: {} }),
    input.inputImages ?? [],
  );
  return validateRequest(
    { ...input, ...flagged },
    { catalogue, defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 42 },
  );
}

/** Generates and returns the POSTs the fake received; fails on any shape violation or dropped field. */
async function sent(
  target: { fake: FakeImageApi; provider: FakeApiProvider['provider'] },
  request: ReturnType<typeof validated>['request'],
) {
  target.fake.reset();
  const result = await target.provider.generate(request);
  expect(target.fake.violations).toEqual([]);
  const posted = target.fake.requests.filter((recorded) => recorded.method === 'POST');
  for (const recorded of posted) expect(recorded.dropped ?? []).toEqual([]);
  return { result, posted };
}

const parametersOf = (recorded: RecordedRequest | undefined) =>
  (recorded?.body as { parameters?: unknown } | undefined)?.parameters;
const partsOf = (recorded: RecordedRequest | undefined) =>
  Object.fromEntries((recorded?.parts ?? []).map((part) => [part.name, part.value ?? part]));

describe('GPT Image', () => {
  it.each<ImageApiDialect>(['documented', 'new-api'])('sends --background transparent (%s)', async (dialect) => {
    const { request, notices } = validated(dialect, {
      prompt: 'a sticker --background transparent',
      model: 'gpt-image-1',
    });
    expect(notices).toEqual([]);
    const { posted } = await sent(dialect === 'documented' ? documented : stock, request);
    expect(posted[0]?.body).toMatchObject({ prompt: 'a sticker', background: 'transparent' });
    expect(posted[0]?.body).not.toHaveProperty('output_format');
  });

  it('says --background has no effect on a model without one, and refuses a value GPT Image does not take', () => {
    const gemini = validated('documented', { prompt: 'a sticker --bg transparent' });
    expect(gemini.request.background).toBeUndefined();
    expect(gemini.notices).toEqual([
      {
        code: 'background_ignored',
        message: 'gemini-2.5-flash-image has no background setting, so --background has no effect.',
      },
    ]);
    expect(() => validated('documented', { prompt: 'a sticker --background glass', model: 'gpt-image-1' })).toThrow(
      new UserFacingError('bad_background', 'gpt-image-1 takes --background transparent, opaque, auto.'),
    );
  });

  it('asks for WEBP or JPEG with output_compression when its PNG could pass the upload cap, and for PNG otherwise', async () => {
    const small = await gateway('new-api', { requestOptions: { uploadLimitBytes: 4_000_000 } });
    const large = await gateway('new-api', { requestOptions: { uploadLimitBytes: 10 * 1024 * 1024 } });
    const wide = { prompt: 'a panorama --ar 3:2', model: 'gpt-image-1' };

    const opaque = await sent(small, validated('new-api', wide).request);
    expect(opaque.posted[0]?.body).toMatchObject({ size: '1536x1024', output_format: 'jpeg', output_compression: 90 });
    const transparent = await sent(small, validated('new-api', { ...wide, background: 'transparent' }).request);
    expect(transparent.posted[0]?.body).toMatchObject({
      background: 'transparent',
      output_format: 'webp',
      output_compression: 90,
    });
    const square = await sent(
      small,
      validated('new-api', { prompt: 'a tile', model: 'gpt-image-1', size: '1024x1024' }).request,
    );
    expect(square.posted[0]?.body).not.toHaveProperty('output_format');
    const roomy = await sent(large, validated('new-api', wide).request);
    expect(roomy.posted[0]?.body).not.toHaveProperty('output_format');
  });

  it('sends moderation: low when the operator sets it, on generations and multipart edits', async () => {
    const low = await gateway('new-api', { requestOptions: { gptImageModeration: 'low' } });
    const generated = await sent(low, validated('new-api', { prompt: 'a knight', model: 'gpt-image-1' }).request);
    expect(generated.posted[0]?.body).toMatchObject({ moderation: 'low' });
    const edited = await sent(
      low,
      validated('new-api', { prompt: 'add armour', model: 'gpt-image-1', inputImages: [base] }).request,
    );
    expect(partsOf(edited.posted[0])).toMatchObject({ moderation: 'low', input_fidelity: 'low' });
    const defaulted = await sent(stock, validated('new-api', { prompt: 'a knight', model: 'gpt-image-1' }).request);
    expect(defaulted.posted[0]?.body).not.toHaveProperty('moderation');
  });

  it('sends input_fidelity only where the model takes it: the catalogue value on gpt-image-1, none on mini', async () => {
    const high = [{ id: 'gpt-image-1', wire: { inputFidelity: 'high' as const } }];
    const edited = await sent(
      stock,
      validated('new-api', { prompt: 'x', model: 'gpt-image-1', inputImages: [base] }, high).request,
    );
    expect(partsOf(edited.posted[0])).toMatchObject({ input_fidelity: 'high' });
    const mini = await sent(
      stock,
      validated('new-api', { prompt: 'x', model: 'gpt-image-1-mini', inputImages: [base] }).request,
    );
    expect(partsOf(mini.posted[0])).not.toHaveProperty('input_fidelity');
    expect(() => createModelCatalogue([{ id: 'gpt-image-1-mini', wire: { inputFidelity: 'high' } }])).toThrow(
      'model "gpt-image-1-mini": wire.inputFidelity: gpt-image-1-mini does not take input_fidelity high (it takes none)',
    );
  });
});

describe('GPT Image inputs', () => {
  it('re-encodes a GIF attachment: OpenAI takes PNG, WEBP and JPEG only', async () => {
    const gif = await sharp(basePng).gif().toBuffer();
    const { posted } = await sent(
      stock,
      validated('new-api', { prompt: 'x', model: 'gpt-image-1', inputImages: [{ bytes: gif, mimeType: 'image/gif' }] })
        .request,
    );
    const file = (posted[0]?.parts ?? []).find((part) => part.name === 'image[]');
    expect([file?.filename, file?.type]).toEqual(['image-1.jpg', 'image/jpeg']);
  });
});

describe('an inpainting mask (GPT Image edits through new-api)', () => {
  const mask = sharp({ create: { width: 20, height: 15, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .png()
    .toBuffer();

  it('goes as a multipart mask file, a PNG with alpha resized to the image it edits', async () => {
    const input = {
      prompt: 'a red door --mask',
      model: 'gpt-image-1',
      inputImages: [base, { bytes: await mask, mimeType: 'image/png' }],
    };
    const { request } = validated('new-api', input);
    expect(request.inputImages).toHaveLength(1);
    const { posted } = await sent(stock, request);
    const files = (posted[0]?.parts ?? []).filter((part) => part.bytes);
    expect(files.map((part) => [part.name, part.filename, part.type])).toEqual([
      ['image[]', 'image-1.png', 'image/png'],
      ['mask', 'mask.png', 'image/png'],
    ]);
    const sentMask = await sharp(files[1]?.bytes).metadata();
    expect(sentMask).toMatchObject({ format: 'png', width: 40, height: 30, hasAlpha: true });
  });

  it('goes as JSON mask {image_url} when the catalogue sends edits as JSON', async () => {
    const json = [{ id: 'gpt-image-1', wire: { gptImageEdits: 'json' as const } }];
    const input = {
      prompt: 'a red door',
      model: 'gpt-image-1',
      mask: true,
      inputImages: [base, { bytes: await mask, mimeType: 'image/png' }],
    };
    const { posted } = await sent(stock, validated('new-api', input, json).request);
    expect(posted[0]?.body).toMatchObject({
      images: [{ image_url: expect.stringMatching(/^data:image\/png;base64,/) }],
      mask: { image_url: expect.stringMatching(/^data:image\/png;base64,/) },
    });
  });

  it('is refused with a sentence when it has no transparency, where no model takes it, or where the gateway has no edits endpoint', async () => {
    const opaque = { bytes: basePng, mimeType: 'image/png', name: 'mask.png' };
    const error = await stock.provider
      .generate(
        validated('new-api', { prompt: 'a red door --mask', model: 'gpt-image-1', inputImages: [base, opaque] })
          .request,
      )
      .catch((caught: unknown) => caught);
    expect(error).toEqual(
      new UserFacingError(
        'mask_without_alpha',
        'mask.png has no transparent areas: a mask is a PNG whose transparent pixels mark where the image should change.',
      ),
    );
    expect(() => validated('new-api', { prompt: 'x --mask', model: 'nano-banana', inputImages: [base, base] })).toThrow(
      'gemini-2.5-flash-image cannot use an inpainting mask; models that can: gpt-image-1, gpt-image-1-mini. Send the edit without the mask.',
    );
    expect(() =>
      validated('documented', { prompt: 'x --mask', model: 'gpt-image-1', inputImages: [base, base] }),
    ).toThrow(
      'gpt-image-1 takes a mask, but this image gateway has no edits endpoint to send it to; send the edit without the mask.',
    );
    expect(() => validated('new-api', { prompt: 'x --mask', model: 'gpt-image-1', inputImages: [base] })).toThrow(
      'A mask needs an image to edit: attach the image and then the mask, or reply to a result with the mask attached.',
    );
  });
});

describe('Qwen', () => {
  it.each<ImageApiDialect>(['documented', 'new-api'])(
    'turns --extend into prompt_extend: true (%s)',
    async (dialect) => {
      const { request } = validated(dialect, { prompt: 'a tea house --extend', model: 'qwen' });
      const { posted } = await sent(dialect === 'documented' ? documented : stock, request);
      expect(parametersOf(posted[0])).toMatchObject({ prompt_extend: true });
      const off = await sent(
        dialect === 'documented' ? documented : stock,
        validated(dialect, { prompt: 'a tea house', model: 'qwen' }).request,
      );
      expect(parametersOf(off.posted[0])).toMatchObject({ prompt_extend: false });
    },
  );

  it('makes several edits in one call with parameters.n through new-api, and one call each on the documented gateway', async () => {
    const edit = { prompt: 'in winter', model: 'qwen-edit', count: 3, inputImages: [base] };
    const one = await sent(stock, validated('new-api', edit).request);
    expect(one.posted).toHaveLength(1);
    expect(parametersOf(one.posted[0])).toMatchObject({ n: 3, seed: 42 });
    expect(one.result.images).toHaveLength(3);
    expect(one.result.images.map((image) => image.seed)).toEqual([42, 42, 42]);
    const three = await sent(documented, validated('documented', edit).request);
    expect(three.posted).toHaveLength(3);
    expect(three.result.images.map((image) => image.seed)).toEqual([42, 43, 44]);
  });
});

describe('Gemini 3.1 Flash Image (Nano Banana 2)', () => {
  it('is in the catalogue with its aliases, 2K and 4K tiers and costs', async () => {
    const catalogue = createModelCatalogue();
    const model = catalogue.resolve('nano-banana-2');
    expect(model).toMatchObject({ id: 'gemini-3.1-flash-image-preview', family: 'gemini', maxInputImages: 14 });
    expect(catalogue.resolve('gemini-3.1-flash').id).toBe('gemini-3.1-flash-image-preview');
    expect(model.cost).toEqual({ perImage: 1.7, byTier: { '2K': 2.6, '4K': 3.9 } });
    const { posted } = await sent(
      stock,
      validated('new-api', { prompt: 'a harbour --ar 16:9 --size 4K', model: 'nano-banana-2' }).request,
    );
    expect(posted[0]?.body).toMatchObject({
      model: 'gemini-3.1-flash-image-preview',
      extra_body: { google: { image_config: { aspect_ratio: '16:9', image_size: '4K' } } },
    });
  });
});

describe('Seedream behind a pass-through channel', () => {
  const switched: ModelOverride[] = [
    { id: 'doubao-seedream-4-0-250828', wire: { watermark: false, seedreamPassThrough: true, guidanceScale: 3 } },
  ];

  it('sends seed, guidance_scale and sequential_image_generation, and the seed is kept', async () => {
    const passing = await gateway('new-api', { passThrough: true });
    const { request, notices } = validated('new-api', { prompt: 'dunes --seed 7', model: 'seedream-4' }, switched);
    expect(notices).toEqual([]);
    const { posted, result } = await sent(passing, request);
    expect(posted[0]?.body).toMatchObject({
      seed: 7,
      guidance_scale: 3,
      sequential_image_generation: 'disabled',
      watermark: false,
    });
    expect(result.images[0]?.seed).toBe(7);
  });

  it('without the switch, says --seed has no effect there and sends none', async () => {
    const { request, notices } = validated('new-api', { prompt: 'dunes --seed 7', model: 'seedream-4' });
    expect(notices.map((notice) => notice.code)).toEqual(['seed_ignored']);
    const { posted } = await sent(stock, request);
    expect(posted[0]?.body).not.toHaveProperty('seed');
    expect(posted[0]?.body).not.toHaveProperty('guidance_scale');
  });
});
