import { describe, expect, it } from 'vitest';
import { dataUrlImages } from '../../support/image-bytes.js';
import { colouredPng, contentOf, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();

const pictures = (count: number) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, index) => [
      `image${index + 1}`,
      { bytes: colouredPng(40 + index), filename: `photo-${index + 1}.png` },
    ]),
  );

describe('Discord /blend', () => {
  it('blends 3 images into one result, sending each of them to the model', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const sent = fake.interaction({
      name: 'blend',
      options: { prompt: 'one dreamy landscape', model: 'seedream-4.5' },
      attachments: pictures(3),
    });
    const result = await harness.result(sent);

    const request = imageApi.requests.find((candidate) => candidate.method === 'POST');
    expect(request?.body).toMatchObject({ model: 'doubao-seedream-4-5-251128', prompt: 'one dreamy landscape' });
    expect(dataUrlImages(request?.body)).toEqual([0, 1, 2].map((index) => Buffer.from(colouredPng(40 + index))));
    expect(result.files).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a model that takes fewer images than given, ephemerally and before any job', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const sent = fake.interaction({
      name: 'blend',
      options: { model: 'gemini-2.5-flash-image' },
      attachments: pictures(4),
    });
    const callback = await harness.callback(sent);
    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(callback)).toContain('gemini-2.5-flash-image blends at most 3 images; 4 were given.');
    expect(imageApi.requests).toEqual([]);
    expect(await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('offers only the models that blend in its model picker', async () => {
    const harness = await harnesses.start();
    const sent = harness.fake.interaction({
      type: 4,
      name: 'blend',
      options: { model: '' },
      focused: 'model',
    });
    const callback = await harness.callback(sent);
    const values = (callback.body as { data: { choices: { value: string }[] } }).data.choices.map(
      (choice) => choice.value,
    );
    expect(values.length).toBeGreaterThan(0);
    expect(values.some((value) => /seededit|qwen-image-plus|seedream-3/.test(value))).toBe(false);
    expect(values.some((value) => /gpt-image-1/.test(value))).toBe(true);
    expect(harness.fake.violations).toEqual([]);
  });
});
