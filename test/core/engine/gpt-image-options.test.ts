import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createModelCatalogue } from '../../../src/core/models/model-catalogue.js';
import { type FakeImageApi, startFakeImageApi } from '../../fakes/fake-image-api.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import type { EngineHarness, SettledJob } from '../../support/engine-harness.js';
import { createFakeApiProvider, type FakeApiProvider } from '../../support/fake-api-provider.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { observeProvider } from '../../support/observed-provider.js';

/** The GPT Image options a member gives (background, mask) stay with the turn: a Reroll sends them again. */
const catalogue = createModelCatalogue([], { dialect: 'new-api' });
const photo = { bytes: encodePng(40, 30, (x, y) => [200, x * 6, y * 8]), mimeType: 'image/png', name: 'door.png' };
let mask: { bytes: Uint8Array; mimeType: string; name: string };
let fake: FakeImageApi;
let client: FakeApiProvider;
const harnesses = harnessTracker();

beforeAll(async () => {
  const transparent = { width: 40, height: 30, channels: 4 as const, background: { r: 0, g: 0, b: 0, alpha: 0 } };
  mask = { bytes: await sharp({ create: transparent }).png().toBuffer(), mimeType: 'image/png', name: 'door-mask.png' };
  fake = await startFakeImageApi({ dialect: 'new-api' });
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

const fileNames = (index: number) =>
  (fake.requests.filter((request) => request.method === 'POST')[index]?.parts ?? [])
    .filter((part) => part.bytes)
    .map((part) => part.name);

/** Presses Reroll under a settled turn and waits for the new job to end; resolves to its state. */
async function rerolled(harness: EngineHarness, first: SettledJob) {
  const reroll = await harness.submit({
    action: 'reroll',
    conversationId: first.turn.conversationId,
    target: { turnId: first.turn.id },
    text: '',
  });
  return (await harness.settle(reroll.job.id)).job.state;
}

describe('GPT Image options through the engine', () => {
  it('keeps --background transparent on a Reroll', async () => {
    const provider = observeProvider(client.provider);
    const harness = harnesses.create({ provider, catalogue, settings: { defaultModel: 'gpt-image-1' } });
    const first = await harness.imagineDelivered('a fox sticker --background transparent');
    expect(await rerolled(harness, first)).toBe('delivered');

    expect(provider.calls.items.map((call) => call.request.background)).toEqual(['transparent', 'transparent']);
    const bodies = fake.requests.filter((request) => request.method === 'POST').map((request) => request.body);
    expect(bodies).toEqual([
      expect.objectContaining({ prompt: 'a fox sticker', background: 'transparent' }),
      expect.objectContaining({ prompt: 'a fox sticker', background: 'transparent' }),
    ]);
  });

  it('takes a last attachment named as a mask as the mask, and sends it as one again on a Reroll', async () => {
    const provider = observeProvider(client.provider);
    const harness = harnesses.create({ provider, catalogue, settings: { defaultModel: 'gpt-image-1' } });
    const first = await harness.imagineDelivered('paint the door red', { attachments: [photo, mask] });
    expect(first.job.input.mask).toBe(true);
    expect(await rerolled(harness, first)).toBe('delivered');

    expect(
      provider.calls.items.map((call) => [call.request.inputImages.length, call.request.mask !== undefined]),
    ).toEqual([
      [1, true],
      [1, true],
    ]);
    expect(fileNames(0)).toEqual(['image[]', 'mask']);
    expect(fileNames(1)).toEqual(['image[]', 'mask']);
  });

  it('leaves an attachment named as a mask a reference image where the model takes no mask', async () => {
    const provider = observeProvider(client.provider);
    const harness = harnesses.create({ provider, catalogue, settings: { defaultModel: 'seedream-4' } });
    const settled = await harness.imagineDelivered('mix these', { attachments: [photo, mask] });
    expect(settled.job.input.mask).toBeUndefined();
    expect(provider.calls.items[0]?.request.inputImages).toHaveLength(2);
  });
});
