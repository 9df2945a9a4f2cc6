import { describe, expect, it } from 'vitest';
import { fakeBotPermissions, fakePermissions } from '../../fakes/fake-discord.js';
import { contentOf, customIdsOf, everythingSent, labelsOf, noisePng, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();

describe('Discord /imagine', () => {
  it('defers publicly at once, shows the queue then the elapsed time, and edits the result in with a thread', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;

    const sent = harness.imagine('a lighthouse at dusk', {
      options: { model: 'seedream-4.5', seed: 42, aspect: '16:9' },
    });
    const callback = await harness.callback(sent);
    const result = await harness.result(sent);

    expect(callback.body).toMatchObject({ type: 5, data: { flags: 0 } });
    expect(callback.status).toBe(200);
    expect(callback.receivedAt - sent.dispatchedAt).toBeLessThan(1000);

    const edits = harness.originalEdits(sent);
    const statuses = edits.filter((edit) => edit.files.length === 0).map(contentOf);
    expect(statuses[0]).toContain('Queued');
    expect(statuses[1]).toMatch(/Generating… started <t:\d+:R>/);
    expect(edits.at(-1)).toBe(result);

    expect(result.files).toHaveLength(1);
    expect(result.files[0]).toMatchObject({ field: 'files[0]', contentType: 'image/png' });
    expect(Buffer.from(result.files[0]?.bytes ?? [])).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(result.body).toMatchObject({ attachments: [{ id: '0' }] });
    const content = contentOf(result);
    expect(content).toContain('a lighthouse at dusk');
    expect(content).toContain('`doubao-seedream-4-5-251128`');
    expect(content).toContain('seed 42');
    expect(content).toMatch(/\b\d{3,4}x\d{3,4}\b/);
    // Seedream 4.5 makes 4K too: Upscale shows what one image costs there.
    expect(labelsOf(result)).toEqual(['Reroll', 'Edit', 'Variations', 'Upscale 4K · 1 unit', 'Delete']);

    const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    const threadCreate = await fake.waitFor(
      (request) =>
        request.method === 'POST' && request.path === `/channels/${fake.channelId}/messages/${messageId}/threads`,
    );
    expect(threadCreate.status).toBe(201);
    const threadBody = threadCreate.body as { name: string; auto_archive_duration: number };
    expect(threadBody.name).toBe('a lighthouse at dusk');
    expect(threadBody.auto_archive_duration).toBe(10080);
    const hint = await fake.waitFor(
      (request) => request.method === 'POST' && request.path === `/channels/${messageId}/messages`,
    );
    expect(contentOf(hint)).toMatch(/Reply in this thread/);
    expect(fake.messagesIn(messageId)).toHaveLength(1);
    // What members see in the end is the result, not a late status edit.
    const shown = fake.message(messageId);
    expect(shown?.content).toBe(content);
    expect(shown?.attachments).toHaveLength(1);
    expect(shown?.flags).toBe(0);

    expect(imageApi.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(fake.violations).toEqual([]);
    expect(fake.unhandled).toEqual([]);
    expect(harness.errorLogs()).toEqual([]);
  });

  it('posts several images in one message, each with its own Edit and Vary', async () => {
    const harness = await harnesses.start({ defaultModel: 'gpt-image-1' });
    const sent = harness.imagine('two kinds of tulip --n 2');
    const result = await harness.result(sent);

    expect(result.files.map((file) => file.field)).toEqual(['files[0]', 'files[1]']);
    expect(result.body).toMatchObject({ attachments: [{ id: '0' }, { id: '1' }] });
    expect(labelsOf(result)).toEqual(['Edit #1', 'Vary #1', 'Edit #2', 'Vary #2', 'Reroll', 'Delete']);
    const ids = customIdsOf(result);
    expect(ids.filter((id) => id.startsWith('tp:edit:')).map((id) => id.split(':')[3])).toEqual(['0', '1']);
  });

  it('names a long prompt’s thread within 100 characters', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const prompt = `a very long prompt ${'with many words '.repeat(12)}`.trim();

    const sent = harness.imagine(prompt);
    await harness.result(sent);
    const threadCreate = await fake.waitFor((request) => request.path.endsWith('/threads'));

    const name = (threadCreate.body as { name: string }).name;
    expect(name.length).toBeLessThanOrEqual(100);
    expect(threadCreate.status).toBe(201);
    expect(fake.violations).toEqual([]);
  });

  it.each([
    ['an unknown flag', 'a cat --frobnicate 3', {}],
    ['a count out of range', 'a cat --n 99', {}],
    ['an option and a flag that disagree', 'a cat --ar 16:9', { aspect: '1:1' }],
  ])('answers %s with an ephemeral explanation, no deferral and no job', async (_name, prompt, extra) => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;

    const sent = harness.imagine(prompt, { options: extra });
    const callback = await harness.callback(sent);

    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(callback)).toMatch(/⚠️/);
    expect(callback.receivedAt - sent.dispatchedAt).toBeLessThan(1000);
    expect(await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).toEqual([]);
    expect(imageApi.requests).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a non-image attachment ephemerally before deferring', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;

    const sent = harness.imagine('mix this in', {
      attachments: { image: { bytes: Buffer.from('plain text'), filename: 'notes.txt', contentType: 'text/plain' } },
    });
    const callback = await harness.callback(sent);

    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(callback)).toContain('notes.txt is not an image');
    expect(imageApi.requests).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('tells the member what the admin must grant when Attach Files is missing, and the operator once', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const appPermissions = fakeBotPermissions & ~fakePermissions.AttachFiles;

    const first = harness.imagine('a cat', { appPermissions });
    const firstCallback = await harness.callback(first);
    const second = harness.imagine('a dog', { appPermissions });
    const secondCallback = await harness.callback(second);

    for (const callback of [firstCallback, secondCallback]) {
      expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(contentOf(callback)).toContain('**Attach Files**');
      expect(contentOf(callback)).toMatch(/server admin/);
    }
    const notices = harness.logs.items.filter((line) => line.msg === 'discord: missing permissions in a channel');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ missing: ['Attach Files'], channelId: fake.channelId });
    expect(imageApi.requests).toEqual([]);
  });

  it('uploads a Seedream URL result as bytes', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;

    const sent = harness.imagine('a red fox --model seedream-4.5');
    const result = await harness.result(sent);

    const generation = imageApi.requests.find((request) => request.method === 'POST');
    expect((generation?.body as { model?: string } | undefined)?.model).toBe('doubao-seedream-4-5-251128');
    expect(imageApi.requests.some((request) => request.method === 'GET' && request.path.startsWith('/files/'))).toBe(
      true,
    );
    expect(result.files).toHaveLength(1);
    const uploaded = Buffer.from(result.files[0]?.bytes ?? []);
    expect(uploaded.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    expect(uploaded).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(JSON.stringify(result.body)).not.toContain('/files/');
    expect(fake.violations).toEqual([]);
  });

  it('shows a refused prompt as the refusal sentence, with no Retry and no stack trace', async () => {
    const harness = await harnesses.start({ defaultModel: 'gpt-image-1' });
    const { fake, imageApi } = harness;
    imageApi.enqueue({ kind: 'moderation' });

    const sent = harness.imagine('something the safety system refuses');
    await harness.bot.events.next('failed');
    const last = await fake.waitFor(
      (request) =>
        request.method === 'PATCH' &&
        request.path.endsWith(`/${sent.token}/messages/@original`) &&
        /safety/i.test(contentOf(request)),
    );
    expect(contentOf(last)).toMatch(/safety system/i);
    expect(customIdsOf(last).filter((id) => id.startsWith('tp:retry:'))).toEqual([]);
    expect(last?.files).toEqual([]);
    const sentText = everythingSent(fake);
    expect(sentText).not.toMatch(/\n\s+at |Error:|node_modules|\.ts:\d+/);
    expect(fake.violations).toEqual([]);
  });

  it('re-encodes a result larger than the interaction’s attachment_size_limit under it', async () => {
    const harness = await harnesses.start({ defaultModel: 'gpt-image-1' });
    const { fake, imageApi } = harness;
    const big = noisePng(720, 720);
    expect(big.byteLength).toBeGreaterThan(1024 * 1024);
    imageApi.enqueue({ kind: 'b64-of-size', bytes: big });

    const sent = harness.imagine('static on an old television', { attachmentSizeLimit: 1024 * 1024 });
    const result = await harness.result(sent, 20_000);

    expect(result.files).toHaveLength(1);
    expect(result.files[0]?.bytes.byteLength).toBeLessThanOrEqual(1024 * 1024);
    // The member is told what they see is a smaller copy; the store keeps the generated bytes as they came.
    expect(contentOf(result)).toContain(
      'This image was re-encoded to fit the 1 MB upload limit here; the full-size original is kept.',
    );
    const [job] = await harness.bot.store.listJobsByState(['generated', 'delivered']);
    const turn = job ? await harness.bot.store.getTurn(job.turnId) : undefined;
    const original = turn?.outputImages[0] ? await harness.bot.blobs.get(turn.outputImages[0].hash) : undefined;
    expect(original && Buffer.from(original).equals(Buffer.from(big))).toBe(true);
    expect(fake.violations).toEqual([]);
  });
});
