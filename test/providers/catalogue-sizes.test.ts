import { describe, expect, it } from 'vitest';
import type { InputImage } from '../../src/core/imagine-request.js';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import type { ImageApiDialect, ModelSpec } from '../../src/core/models/model-spec.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { chooseRequestBuilder, planUpstreamCalls } from '../../src/providers/request-builder.js';
import type { UpstreamRequest } from '../../src/providers/upstream-request.js';
import { checkGeminiChat, checkGeminiNative } from '../fakes/fake-image-api-gemini-shapes.js';
import { checkNewApiEdits, checkNewApiGenerations } from '../fakes/fake-image-api-new-api-shapes.js';
import { encodePng } from '../fakes/fake-image-api-png.js';
import { checkGenerationBody } from '../fakes/fake-image-api-shapes.js';

/**
 * Walks the catalogue: every aspect ratio and every size a model lists (what `threadpaint models` shows) is accepted
 * by the validator, for text-to-image and for edits, and reaches the wire as the model spells it, in a body the
 * fake gateway of that dialect accepts.
 */
const photo = encodePng(64, 48, (x, y) => [x * 4, y * 5, 128]);
const image: InputImage = { bytes: photo, mimeType: 'image/png', name: 'photo.png' };
const imageUrl = `data:image/png;base64,${Buffer.from(photo).toString('base64')}`;

interface Listed {
  readonly flag: 'aspectRatio' | 'size';
  readonly value: string;
  /** What the body must carry for it (the listed spelling; a free model's size for the ratio at its default tier). */
  readonly wire: string;
}

function listedOf(model: ModelSpec): Listed[] {
  const sizing = model.sizing;
  switch (sizing.kind) {
    case 'ratio':
      return [
        ...sizing.ratios.map((ratio) => ({ flag: 'aspectRatio' as const, value: ratio, wire: ratio })),
        ...sizing.tiers.map((tier) => ({ flag: 'size' as const, value: tier, wire: sizing.sendTier ? tier : '1:1' })),
      ];
    case 'fixed':
      return sizing.sizes.flatMap((choice) => [
        { flag: 'aspectRatio' as const, value: choice.ratio, wire: choice.size },
        { flag: 'size' as const, value: choice.size, wire: choice.size },
      ]);
    case 'free': {
      const defaults = sizing.tiers[sizing.defaultTier] ?? [];
      return [
        ...defaults.map((choice) => ({ flag: 'aspectRatio' as const, value: choice.ratio, wire: choice.size })),
        ...Object.entries(sizing.tiers).flatMap(([tier, table]) => [
          { flag: 'size' as const, value: tier, wire: tier },
          ...(table ?? []).map((choice) => ({ flag: 'size' as const, value: choice.size, wire: choice.size })),
        ]),
      ];
    }
    case 'input':
      return [];
  }
}

/** The fake gateway's verdict on one upstream request, by dialect and route. */
function gatewayVerdict(dialect: ImageApiDialect, upstream: UpstreamRequest): { kind: string; problems?: unknown } {
  if (dialect === 'documented') return checkGenerationBody(upstream.body);
  if (upstream.path === '/v1/chat/completions') return checkGeminiChat(upstream.body);
  const native = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(upstream.path);
  if (native) return checkGeminiNative(native[1] as string, upstream.body, new Set());
  if (upstream.path === '/v1/images/edits') {
    const parts = upstream.files
      ? [
          ...Object.entries(upstream.body).map(([name, value]) => ({ name, value: String(value) })),
          ...upstream.files.map((file) => ({
            name: file.field,
            filename: file.filename,
            type: file.mimeType,
            bytes: Buffer.from(file.bytes),
          })),
        ]
      : undefined;
    return checkNewApiEdits(parts ? undefined : upstream.body, parts);
  }
  return checkNewApiGenerations(upstream.body);
}

const cases = (['documented', 'new-api'] as const).flatMap((dialect) => {
  const catalogue = createModelCatalogue([], { dialect });
  return catalogue
    .list()
    .flatMap((model) =>
      (['text-to-image', 'edit'] as const)
        .filter((mode) => (mode === 'edit' ? model.maxInputImages > 0 : model.textToImage))
        .flatMap((mode) => listedOf(model).map((listed) => ({ dialect, catalogue, model, mode, listed }))),
    );
});

describe('every ratio and size a model lists', () => {
  it('covers the ratios that were refused, on every Gemini model and both dialects', () => {
    const wide = cases.filter((entry) => entry.listed.value === '21:9' && entry.model.family === 'gemini');
    expect(wide.map((entry) => `${entry.dialect} ${entry.model.id} ${entry.mode}`)).toEqual([
      'documented gemini-2.5-flash-image text-to-image',
      'documented gemini-2.5-flash-image edit',
      'documented gemini-3-pro-image-preview text-to-image',
      'documented gemini-3-pro-image-preview edit',
      'documented gemini-3.1-flash-image-preview text-to-image',
      'documented gemini-3.1-flash-image-preview edit',
      'new-api gemini-2.5-flash-image text-to-image',
      'new-api gemini-2.5-flash-image edit',
      'new-api gemini-3-pro-image-preview text-to-image',
      'new-api gemini-3-pro-image-preview edit',
      'new-api gemini-3.1-flash-image-preview text-to-image',
      'new-api gemini-3.1-flash-image-preview edit',
    ]);
  });

  it.each(
    cases.map((entry) => [
      `${entry.dialect} ${entry.model.id} ${entry.mode} --${entry.listed.flag === 'size' ? 'size' : 'ar'} ${entry.listed.value}`,
      entry,
    ]),
  )('%s', (_name, { dialect, catalogue, model, mode, listed }) => {
    const inputImages = mode === 'edit' ? [image] : [];
    const { request, notices } = validateRequest(
      { prompt: 'a lighthouse at dusk', model: model.id, [listed.flag]: listed.value, inputImages },
      { catalogue, defaultModel: model.id, randomSeed: () => 7 },
    );
    expect(request.model.id).toBe(model.id);
    expect(notices.filter((notice) => notice.code === 'size_adjusted')).toEqual([]);
    if (listed.flag === 'aspectRatio') expect(request.aspectRatio).toBe(listed.value);
    const build = chooseRequestBuilder(model.family, dialect);
    for (const call of planUpstreamCalls(
      request,
      inputImages.map(() => imageUrl),
    )) {
      const upstream = build(request, call);
      expect(JSON.stringify(upstream.body)).toContain(JSON.stringify(listed.wire));
      const verdict = gatewayVerdict(dialect, upstream);
      expect(verdict, JSON.stringify(verdict.problems)).toMatchObject({ kind: 'ok' });
    }
  });
});
