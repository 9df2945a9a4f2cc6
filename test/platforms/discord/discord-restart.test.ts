import { describe, expect, it } from 'vitest';
import { dataUrlImages } from '../../support/image-bytes.js';
import {
  channelResult,
  contentOf,
  customIdsOf,
  type DiscordHarness,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

const generationsFor = (h: DiscordHarness, fragment: string) =>
  h.imageApi.requests.filter(
    (request) => request.method === 'POST' && JSON.stringify(request.body ?? null).includes(fragment),
  );

describe('Discord after a restart', () => {
  it('keeps an old thread working: it comes back in GUILD_CREATE and a reply continues the conversation', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const { threadId } = await startConversation(harness, 'an old stone bridge');

    await harness.restart();
    await fake.waitForReady({ sessions: 2 });
    expect(harness.bot.platform.client.channels.cache.get(threadId)?.isThread()).toBe(true);
    fake.messageCreate({ channelId: threadId, content: 'add autumn leaves' });
    const request = await imageApi.waitFor((candidate) =>
      JSON.stringify(candidate.body ?? null).includes('add autumn leaves'),
    );
    const posted = await channelResult(fake, threadId);

    expect(dataUrlImages(request.body)[0]).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(contentOf(posted)).toContain('add autumn leaves');
    expect(fake.violations).toEqual([]);
    expect(fake.unhandled).toEqual([]);
  });

  it('tells the member about a job a stop interrupted, with Retry, and runs it once when Retry is pressed', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    imageApi.enqueue({ kind: 'hang' });
    const sent = harness.imagine('a comet over the sea');
    await imageApi.waitFor((request) => JSON.stringify(request.body ?? null).includes('a comet over the sea'));

    await harness.restart();
    const original = `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`;
    const notice = await fake.waitFor(
      (request) => request.path === original && customIdsOf(request).some((id) => id.startsWith('tp:retry:')),
    );
    expect(contentOf(notice)).toMatch(/restarted/);
    const retryId = customIdsOf(notice).find((id) => id.startsWith('tp:retry:')) ?? '';
    const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';

    const press = fake.interaction({ type: 3, customId: retryId, message: messageId });
    const pressed = await harness.callback(press);
    expect(pressed.body).toMatchObject({ type: 6 });
    const again = fake.interaction({ type: 3, customId: retryId, message: messageId });
    await harness.callback(again);
    const result = await harness.result(sent);

    expect(contentOf(result)).toContain('a comet over the sea');
    expect(generationsFor(harness, 'a comet over the sea')).toHaveLength(2);
    await harness.bot.events.next('succeeded');
    expect(harness.bot.events.items.filter((event) => event.type === 'queued')).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });
});
