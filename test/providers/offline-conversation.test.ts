import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { InputImage } from '../../src/core/imagine-request.js';
import { captionBandTop } from '../../src/providers/offline-band.js';
import { createOfflineImageProvider } from '../../src/providers/offline-renderer.js';
import { pixelDifference, sameBytes } from '../images/image-fixtures.js';
import { createEngineHarness, type EngineHarness, type SettledJob } from '../support/engine-harness.js';

/**
 * A whole conversation through the engine with the offline renderer, as a newcomer without an API key has it: an
 * upload starts it, a reply with a second upload edits it, then Reroll and Variations. Set THREADPAINT_KEEP_PNGS to a
 * directory to keep the images and look at them.
 */
/** Mean difference per channel value (0..255) above which two pictures look different at a glance. */
const visibly = 6;
let harness: EngineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A fixed sequence of well-spread seeds (a linear congruential generator). */
function seedSequence(start: number): () => number {
  let state = start;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) & 0x7fffffff;
    return state;
  };
}

/** A plain picture (a sun over hills): big flat areas, so only a visible change moves the difference. */
async function photo(seed: number): Promise<InputImage> {
  const hue = seed * 90;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360">
    <rect width="480" height="360" fill="hsl(${hue + 200},60%,70%)"/>
    <circle cx="${140 + seed * 60}" cy="120" r="60" fill="hsl(${hue + 40},90%,60%)"/>
    <path d="M0,260 Q120,200 240,250 T480,240 V360 H0 Z" fill="hsl(${hue + 110},50%,35%)"/></svg>`;
  const bytes = await sharp(Buffer.from(svg)).png().toBuffer();
  return { bytes, mimeType: 'image/png', name: `photo-${seed}.png` };
}

const outputsOf = async (settled: SettledJob) =>
  Promise.all(settled.turn.outputImages.map((ref) => (harness as EngineHarness).blobs.get(ref.hash)));

/** Rows of the image that are an offline caption band's yellow rule, as separate blocks (one per band seen). */
async function captionRules(bytes: Uint8Array): Promise<number> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let rules = 0;
  let height = info.height;
  for (;;) {
    const top = captionBandTop({ data, width: info.width, height, channels: info.channels });
    if (top === undefined) return rules;
    rules += 1;
    height = top;
  }
}

/** Mean difference of the pictures above their caption bands (the bands say the same thing). */
async function pictureDifference(first: Uint8Array, second: Uint8Array): Promise<number> {
  const picture = async (bytes: Uint8Array) => {
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const top = captionBandTop({ data, width: info.width, height: info.height, channels: info.channels });
    return sharp(bytes)
      .extract({ left: 0, top: 0, width: info.width, height: top ?? info.height })
      .png()
      .toBuffer();
  };
  return pixelDifference(await picture(first), await picture(second));
}

function keep(name: string, bytes: Uint8Array): void {
  const directory = process.env['THREADPAINT_KEEP_PNGS'];
  if (!directory) return;
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, `${name}.png`), bytes);
}

describe.each([
  ['gemini-2.5-flash-image', 'takes no seed'],
  ['seedream', 'takes a seed'],
])('offline conversation on %s (%s)', (model) => {
  it('redraws Reroll and every Variation visibly, and keeps one caption per image', async () => {
    // Seeds as a random source would pick them, but the same on every run.
    const seeds = seedSequence(model.length);
    harness = createEngineHarness({
      provider: createOfflineImageProvider({ maxLongSide: 320, freshSeed: seeds }),
      randomSeed: seeds,
    });
    const started = await harness.submit({
      text: `make it stormy and moody with a long caption that wraps onto a second line of the band --model ${model}`,
      attachments: [await photo(1)],
    });
    const first = await harness.settle(started.job.id);
    const [upload] = await outputsOf(first);
    keep(`${model}-1-upload`, upload as Uint8Array);

    const edited = await harness.settle(
      (await harness.edit(started.conversation.id, 'add this in yellow', { attachments: [await photo(2)] })).job.id,
    );
    const [edit] = await outputsOf(edited);
    keep(`${model}-2-edit`, edit as Uint8Array);
    // The earlier band (two lines, taller) would show above the new one (one line) if it were drawn over it.
    expect(await captionRules(upload as Uint8Array)).toBe(1);
    expect(await captionRules(edit as Uint8Array)).toBe(1);

    const rerolled = await harness.settle(
      (
        await harness.submit({
          action: 'reroll',
          conversationId: started.conversation.id,
          target: { turnId: edited.turn.id },
        })
      ).job.id,
    );
    const [reroll] = await outputsOf(rerolled);
    keep(`${model}-3-reroll`, reroll as Uint8Array);
    expect(sameBytes(edit as Uint8Array, reroll as Uint8Array)).toBe(false);
    expect(await pictureDifference(edit as Uint8Array, reroll as Uint8Array)).toBeGreaterThan(visibly);

    const varied = await harness.settle(
      (
        await harness.submit({
          action: 'variations',
          conversationId: started.conversation.id,
          target: { turnId: edited.turn.id, index: 0 },
        })
      ).job.id,
    );
    const variations = await outputsOf(varied);
    expect(variations).toHaveLength(4);
    for (const [index, variation] of variations.entries()) {
      keep(`${model}-4-variation-${index + 1}`, variation);
      expect(await captionRules(variation)).toBe(1);
      expect(await pictureDifference(edit as Uint8Array, variation)).toBeGreaterThan(visibly);
      for (const other of variations.slice(index + 1)) {
        expect(await pictureDifference(variation, other)).toBeGreaterThan(visibly);
      }
    }
  });
});
