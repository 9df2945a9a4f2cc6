import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { GenerationRequest, InputImage } from '../../src/core/imagine-request.js';
import { builtinModels } from '../../src/core/models/builtin-models.js';
import { modelSpecSchema } from '../../src/core/models/model-spec.js';
import { createImagePipeline, type ImagePipeline } from '../../src/images/image-pipeline.js';
import { sniffImageType } from '../../src/images/image-type.js';
import { textToImageSvg } from '../../src/providers/offline-art.js';
import { offlineLabel } from '../../src/providers/offline-caption.js';
import { createOfflineImageProvider } from '../../src/providers/offline-renderer.js';
import { createRandom, hslToHex } from '../../src/providers/offline-seed.js';
import { meanColour, noiseImage, pixelDifference, sameBytes } from '../images/image-fixtures.js';

function model(id: string) {
  const spec = builtinModels.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`no built-in model ${id}`);
  return modelSpecSchema.parse(spec);
}

const seedream = model('doubao-seedream-4-5-251128');
const geminiPro = model('gemini-3-pro-image-preview');

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return { model: seedream, prompt: 'a lighthouse at dusk', count: 1, tier: '2K', inputImages: [], ...overrides };
}

async function dimensions(bytes: Uint8Array): Promise<[number, number]> {
  const { width, height } = await sharp(bytes).metadata();
  return [width, height];
}

async function photo(width: number, height: number): Promise<InputImage> {
  return { bytes: await noiseImage(width, height, { smooth: true }), mimeType: 'image/png', name: 'photo.png' };
}

describe('createOfflineImageProvider', () => {
  const provider = createOfflineImageProvider({ maxLongSide: 512 });

  it('says it is the offline provider and needs nothing else', async () => {
    const result = await provider.generate(request());
    expect(provider).toMatchObject({ name: 'offline', offline: true });
    expect(result).toMatchObject({ offline: true, requestIds: [] });
    expect(result.images).toHaveLength(1);
    expect(sniffImageType(result.images[0]!.bytes)?.mimeType).toBe('image/png');
  });

  it('draws the same bytes for the same prompt and seed, and a visibly different picture for another seed', async () => {
    const other = createOfflineImageProvider({ maxLongSide: 512 });
    const [first, again, reseeded] = await Promise.all([
      provider.generate(request({ seed: 42 })),
      other.generate(request({ seed: 42 })),
      provider.generate(request({ seed: 43 })),
    ]);
    const [a, b, c] = [first.images[0]!, again.images[0]!, reseeded.images[0]!];
    expect(sameBytes(a.bytes, b.bytes)).toBe(true);
    expect(sameBytes(a.bytes, c.bytes)).toBe(false);
    expect(await pixelDifference(a.bytes, c.bytes)).toBeGreaterThan(10);
  });

  it('makes count images with seed + i, and reports seeds only when the request had one', async () => {
    const seeded = await provider.generate(request({ count: 3, seed: 7 }));
    expect(seeded.images.map((image) => image.seed)).toEqual([7, 8, 9]);
    const distinct = new Set(seeded.images.map((image) => Buffer.from(image.bytes).toString('base64')));
    expect(distinct.size).toBe(3);

    const seedless = await provider.generate(request({ count: 2 }));
    expect(seedless.images).toHaveLength(2);
    expect(seedless.images.every((image) => image.seed === undefined && !('seed' in image))).toBe(true);
    // Like a model without seeds, a seedless request answers differently each time (so a Reroll differs).
    const repeat = await provider.generate(request({ count: 2 }));
    expect(sameBytes(seedless.images[1]!.bytes, repeat.images[1]!.bytes)).toBe(false);
    expect(sameBytes(seedless.images[0]!.bytes, seedless.images[1]!.bytes)).toBe(false);
  });

  it.each([
    ['1536x1024', {}, 2048, [1536, 1024]],
    ['1328*1328', {}, 2048, [1328, 1328]],
    ['16:9', { imageSize: '2K' as const, model: geminiPro }, 2048, [2048, 1152]],
    ['9:16', { tier: '1K' as const, model: geminiPro }, 2048, [576, 1024]],
    ['4K', { tier: '4K' as const }, 2048, [2048, 2048]],
    ['2560x1440', {}, 1280, [1280, 720]],
    [undefined, {}, 2048, [1024, 1024]],
  ] as const)('renders size %s (%o, cap %i) as %o', async (size, overrides, maxLongSide, expected) => {
    const sized = createOfflineImageProvider({ maxLongSide });
    const result = await sized.generate(request({ ...(size !== undefined && { size }), ...overrides }));
    const image = result.images[0]!;
    expect([image.width, image.height]).toEqual(expected);
    expect(await dimensions(image.bytes)).toEqual(expected);
  });

  it('applies an edit visibly: a blue instruction turns the input blue, unlike a text-to-image of it', async () => {
    const input = await photo(480, 320);
    const prompt = 'make the whole scene deep blue';
    const [edited, drawn] = await Promise.all([
      provider.generate(request({ prompt, seed: 5, inputImages: [input] })),
      provider.generate(request({ prompt, seed: 5 })),
    ]);
    const edit = edited.images[0]!;
    expect([edit.width, edit.height]).toEqual([480, 320]);
    expect(sameBytes(edit.bytes, drawn.images[0]!.bytes)).toBe(false);
    expect(await pixelDifference(edit.bytes, input.bytes)).toBeGreaterThan(10);

    const before = await meanColour(input.bytes);
    const after = await meanColour(edit.bytes);
    expect(after.b - after.r).toBeGreaterThan(before.b - before.r + 20);
  });

  it('makes a night edit darker than its input', async () => {
    const input = await photo(400, 400);
    const result = await provider.generate(request({ prompt: 'now at night', inputImages: [input] }));
    const before = await meanColour(input.bytes);
    const after = await meanColour(result.images[0]!.bytes);
    expect(after.r + after.g + after.b).toBeLessThan((before.r + before.g + before.b) * 0.75);
  });

  it('fits an edit to the requested ratio and cap, and shows the other inputs of a fusion', async () => {
    const inputs = [await photo(600, 600), await photo(300, 200), await photo(200, 300)];
    const single = await provider.generate(
      request({ prompt: 'combine them', size: '16:9', inputImages: inputs.slice(0, 1) }),
    );
    const fused = await provider.generate(request({ prompt: 'combine them', size: '16:9', inputImages: inputs }));
    expect([fused.images[0]!.width, fused.images[0]!.height]).toEqual([512, 288]);
    expect(await dimensions(fused.images[0]!.bytes)).toEqual([512, 288]);
    expect(await pixelDifference(single.images[0]!.bytes, fused.images[0]!.bytes)).toBeGreaterThan(1);
  });

  it('takes the size of the first input for an adaptive edit, capped', async () => {
    const result = await provider.generate(request({ size: 'adaptive', inputImages: [await photo(1200, 600)] }));
    expect([result.images[0]!.width, result.images[0]!.height]).toEqual([512, 256]);
  });

  it('stops when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(provider.generate(request(), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('stops when the signal aborts while rendering', async () => {
    const controller = new AbortController();
    const pending = provider.generate(request({ count: 4, inputImages: [await photo(300, 300)] }), {
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('stops rendering the remaining images when the signal aborts midway', async () => {
    const controller = new AbortController();
    const real = createImagePipeline();
    let started = 0;
    const aborting: ImagePipeline = {
      ...real,
      run: (task, options) => {
        controller.abort();
        return real.run(async () => {
          started += 1;
          return task();
        }, options);
      },
    };
    const renderer = createOfflineImageProvider({ maxLongSide: 256, pipeline: aborting });
    await expect(renderer.generate(request({ count: 3 }), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(started).toBe(0);
  });
});

describe('textToImageSvg', () => {
  it('escapes the prompt and always carries the offline label', async () => {
    const prompt = '<script>alert("x")</script> & a cat\u0000';
    const svg = textToImageSvg({
      size: { width: 400, height: 300 },
      random: createRandom(prompt, 1),
      prompt,
      details: 'model · 400×300',
    });
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;');
    const colours = [...svg.matchAll(/="#([^"]*)"/g)].map((match) => match[1]);
    expect(colours.length).toBeGreaterThan(5);
    expect(colours.filter((colour) => !/^[0-9a-f]{6}$/.test(colour ?? ''))).toEqual([]);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain(offlineLabel);
    await expect(sharp(Buffer.from(svg)).png().toBuffer()).resolves.toBeInstanceOf(Buffer);
  });
});

describe('hslToHex', () => {
  it('converts hue, saturation and lightness to #rrggbb', () => {
    expect(hslToHex(0, 1, 0.5)).toBe('#ff0000');
    expect(hslToHex(120, 1, 0.25)).toBe('#008000');
    expect(hslToHex(240, 1, 0.5)).toBe('#0000ff');
    expect(hslToHex(300, 0, 1)).toBe('#ffffff');
    expect(hslToHex(30, 0.8, 0.1)).toBe('#2e1a05');
  });
});
