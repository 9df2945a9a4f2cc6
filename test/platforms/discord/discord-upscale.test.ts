import { describe, expect, it } from 'vitest';
import type { FakeDiscordRequest } from '../../fakes/fake-discord.js';
import { dataUrlImages } from '../../support/image-bytes.js';
import {
  channelResult,
  contentOf,
  customIdsOf,
  type DiscordHarness,
  labelsOf,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

const idOf = (ids: readonly string[], action: string) => ids.find((id) => id.startsWith(`tp:${action}:`)) ?? '';
const generations = (h: DiscordHarness) =>
  h.imageApi.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/images'));
/** The id of the message a PATCH edited (`/channels/{channel}/messages/{id}`). */
const editedId = (request: FakeDiscordRequest) => request.path.split('/').at(-1) ?? '';

describe('Discord Upscale', () => {
  it('shows Upscale only on models with a larger size', async () => {
    const harness = await harnesses.start();
    const { result } = await startConversation(harness, 'a fern');
    expect(labelsOf(result).some((label) => label.startsWith('Upscale'))).toBe(false);
    expect(harness.fake.violations).toEqual([]);
  });

  it('upscales to 2K, then to 4K after the member confirms the cost, each a new turn in the thread', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { messageId, threadId, result } = await startConversation(harness, 'a lighthouse --ar 16:9', {
      options: { model: 'gemini-3-pro' },
    });
    expect(labelsOf(result)).toContain('Upscale 2K');

    fake.interaction({ type: 3, customId: idOf(customIdsOf(result), 'upscale'), message: messageId });
    const twoK = await channelResult(fake, threadId);
    const sent2K = generations(harness)[1];
    expect(sent2K?.body).toMatchObject({ model: 'gemini-3-pro-image-preview', size: '16:9', image_size: '2K' });
    // Gemini takes no seed: the picked image is the base of the larger one.
    expect(dataUrlImages(sent2K?.body)[0]).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(contentOf(twoK)).toContain('*upscale*');
    expect(labelsOf(twoK)).toContain('Upscale 4K · 6 units');

    // 4K costs 6 units an image: the member is told so, only them, and nothing is generated yet.
    const press = fake.interaction({
      type: 3,
      customId: idOf(customIdsOf(twoK), 'upscale'),
      message: editedId(twoK),
      channelId: threadId,
    });
    const ask = await fake.waitFor(
      (request) => request.method === 'POST' && request.path === `/webhooks/${fake.applicationId}/${press.token}`,
    );
    expect(ask.body).toMatchObject({ content: 'Upscaling to 4K costs 6 units for this image. Go ahead?', flags: 64 });
    expect(labelsOf(ask)).toEqual(['Upscale to 4K · 6 units']);
    expect(generations(harness)).toHaveLength(2);

    fake.interaction({
      type: 3,
      customId: idOf(customIdsOf(ask), 'upscaleok'),
      message: editedId(twoK),
      channelId: threadId,
    });
    const fourK = await fake.waitFor(
      (request) =>
        request.method === 'PATCH' &&
        request.path.startsWith(`/channels/${threadId}/messages/`) &&
        request.path !== twoK.path &&
        request.files.length > 0 &&
        request.status === 200,
    );
    expect(generations(harness)[2]?.body).toMatchObject({ image_size: '4K' });
    expect(labelsOf(fourK).some((label) => label.startsWith('Upscale'))).toBe(false);
    const upscales = (await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).filter(
      (job) => job.action === 'upscale',
    );
    expect(upscales.map((job) => job.costUnits).sort()).toEqual([3.5, 6]);
    for (const job of upscales) expect((await harness.bot.events.ending(job.id)).type).toBe('succeeded');
    expect(fake.violations).toEqual([]);
  });
});
