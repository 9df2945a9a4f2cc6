import { describe, expect, it } from 'vitest';
import { dataUrlImages } from '../../support/image-bytes.js';
import {
  channelResult,
  colouredPng,
  contentOf,
  guildWithChatThread,
  noisePng,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

const bodyText = (body: unknown) => JSON.stringify(body ?? null);

describe('Discord /edit and the Edit image menu', () => {
  it('starts a conversation from an attached picture with /edit', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const picture = colouredPng(7);

    const sent = fake.interaction({
      name: 'edit',
      options: { instruction: 'make it night' },
      attachments: { image: { bytes: picture, filename: 'day.png' } },
    });
    const result = await harness.result(sent);
    const request = await imageApi.waitFor((candidate) => bodyText(candidate.body).includes('make it night'));

    expect((await harness.callback(sent)).body).toMatchObject({ type: 5, data: { flags: 0 } });
    expect(dataUrlImages(request.body)).toEqual([Buffer.from(picture)]);
    expect(contentOf(result)).toContain('make it night');
    await fake.waitFor((candidate) => candidate.path.endsWith('/threads') && candidate.status === 201);
  });

  it('opens a modal from the message menu and edits that message’s image', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const picture = colouredPng(8);
    const target = fake.messageCreate({ content: 'look', attachments: [{ bytes: picture, filename: 'look.png' }] });

    const menu = fake.interaction({ name: 'Edit image', commandType: 3, targetId: target.id });
    const modal = await harness.callback(menu);
    const modalId = String((modal.body as { data: { custom_id: string } }).data.custom_id);
    expect(modal.body).toMatchObject({ type: 9 });
    expect(modalId).toBe(`tp:ctxedit:${fake.channelId}:${target.id}`);

    const submit = fake.interaction({ type: 5, customId: modalId, fields: { instruction: 'add a moon' } });
    const result = await harness.result(submit);
    const request = await imageApi.waitFor((candidate) => bodyText(candidate.body).includes('add a moon'));

    expect(dataUrlImages(request.body)).toEqual([Buffer.from(picture)]);
    expect(contentOf(result)).toContain('add a moon');
  });

  it('answers in place inside a thread that is not a conversation, and a reply to the result continues it', async () => {
    const harness = await harnesses.start({ fake: guildWithChatThread });
    const { fake, imageApi } = harness;
    const chat = fake.channel('chat');

    const sent = harness.imagine('a paper crane', { channelId: chat });
    const result = await harness.result(sent);
    const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    await harness.bot.events.next('succeeded');
    expect(fake.requests.filter((request) => request.path.endsWith('/threads'))).toEqual([]);
    expect(fake.message(messageId)?.channel_id).toBe(chat);

    fake.messageCreate({ channelId: chat, content: 'fold it in gold', referencedMessageId: messageId });
    const request = await imageApi.waitFor((candidate) => bodyText(candidate.body).includes('fold it in gold'));
    const posted = await channelResult(fake, chat);

    expect(dataUrlImages(request.body)[0]).toEqual(Buffer.from(result.files[0]?.bytes ?? []));
    expect(contentOf(posted)).toContain('fold it in gold');
  });

  it('holds thread-reply results to the last attachment_size_limit seen for the guild', async () => {
    const harness = await harnesses.start({ defaultModel: 'gpt-image-1' });
    const { fake, imageApi } = harness;
    const limit = 1024 * 1024;
    const { threadId } = await startConversation(harness, 'a quiet field', { attachmentSizeLimit: limit });
    const big = noisePng(720, 720);
    expect(big.byteLength).toBeGreaterThan(limit);
    imageApi.enqueue({ kind: 'b64-of-size', bytes: big });

    fake.messageCreate({ channelId: threadId, content: 'add static' });
    const posted = await channelResult(fake, threadId, 20_000);

    expect(posted.files[0]?.bytes.byteLength).toBeLessThanOrEqual(limit);
  });
});
