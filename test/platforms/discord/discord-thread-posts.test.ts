import { describe, expect, it } from 'vitest';
import { fakeBotPermissions, fakePermissions } from '../../fakes/fake-discord.js';
import { dataUrlImages } from '../../support/image-bytes.js';
import {
  channelResult,
  contentOf,
  guildWithChatThread,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

const bodyText = (body: unknown) => JSON.stringify(body ?? null);

describe('Discord thread jobs: what is posted, and where a message continues', () => {
  it('posts a job’s status only once the job is recorded: a refused request leaves no status behind', async () => {
    const harness = await harnesses.start({ settings: { quota: { memberPerHour: 2 } } });
    const { fake } = harness;
    const { threadId } = await startConversation(harness, 'a tin robot');

    // One unit is left: of two replies at once, one is refused by the quota.
    const red = fake.messageCreate({ channelId: threadId, content: 'paint it red' });
    const blue = fake.messageCreate({ channelId: threadId, content: 'paint it blue' });
    const refusal = await fake.waitFor(
      (request) =>
        request.method === 'POST' &&
        request.path === `/channels/${threadId}/messages` &&
        /You have used/.test(contentOf(request)),
    );
    await channelResult(fake, threadId);
    await harness.bot.events.next('succeeded', undefined, 10_000);

    const refused = (refusal.body as { message_reference: { message_id: string } }).message_reference.message_id;
    expect([red.id, blue.id]).toContain(refused);
    const statuses = fake.requests.filter(
      (request) =>
        request.method === 'POST' &&
        request.path === `/channels/${threadId}/messages` &&
        /Queued/.test(contentOf(request)),
    );
    expect(statuses).toHaveLength(1);
    const statusFor = statuses[0]?.body as { message_reference?: { message_id?: string } } | undefined;
    expect(statusFor?.message_reference?.message_id).not.toBe(refused);
    expect(fake.messagesIn(threadId).filter((message) => /Queued/.test(message.content))).toEqual([]);
  });

  it('sends a nonce with enforce_nonce on every message it posts with the bot token', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { threadId } = await startConversation(harness, 'a paper boat');
    fake.messageCreate({ channelId: threadId, content: 'make it sail' });
    await channelResult(fake, threadId);
    fake.messageCreate({ channelId: threadId, content: '--model no-such-model' });
    await fake.waitFor((request) => request.method === 'POST' && /no-such-model/.test(contentOf(request)));

    const posts = fake.requests.filter(
      (request) => request.method === 'POST' && /^\/channels\/\d+\/messages$/.test(request.path),
    );
    expect(posts.length).toBeGreaterThanOrEqual(3);
    for (const post of posts) {
      expect(post.body).toMatchObject({ nonce: expect.stringMatching(/^.{1,25}$/), enforce_nonce: true });
    }
    expect(new Set(posts.map((post) => (post.body as { nonce: string }).nonce)).size).toBe(posts.length);
  });

  it('continues a conversation answered in place inside a thread from a plain message in that thread', async () => {
    const harness = await harnesses.start({ fake: guildWithChatThread });
    const { fake, imageApi } = harness;
    const chat = fake.channel('chat');
    const sent = harness.imagine('a paper crane', { channelId: chat });
    const result = await harness.result(sent);
    await harness.bot.events.next('succeeded');

    fake.messageCreate({ channelId: chat, content: 'fold it in gold' });
    const request = await imageApi.waitFor((candidate) => bodyText(candidate.body).includes('fold it in gold'));
    await channelResult(fake, chat);
    expect(dataUrlImages(request.body)[0]).toEqual(Buffer.from(result.files[0]?.bytes ?? []));
  });

  it('asks for Send Messages in Threads inside a thread, not Send Messages', async () => {
    const harness = await harnesses.start({ fake: guildWithChatThread });
    const { fake } = harness;
    const chat = fake.channel('chat');
    const inThreadOnly = fakeBotPermissions & ~fakePermissions.SendMessages;
    const result = await harness.result(
      harness.imagine('a paper crane', { channelId: chat, appPermissions: inThreadOnly }),
    );
    expect(contentOf(result)).toContain('a paper crane');

    const withoutThreads = fakeBotPermissions & ~fakePermissions.SendMessagesInThreads;
    const refused = await harness.callback(
      harness.imagine('a paper swan', { channelId: chat, appPermissions: withoutThreads }),
    );
    expect(refused.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(refused)).toContain('**Send Messages in Threads**');
    expect(contentOf(refused)).not.toContain('**Send Messages**');
  });

  it('edits the image a pasted link points to, of a result with several', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const { threadId, messageId } = await startConversation(harness, 'two kinds of shell --n 2');
    const second = fake.message(messageId)?.attachments[1];
    expect(second).toBeDefined();

    fake.messageCreate({ channelId: threadId, content: `make this one pink ${second?.url}` });
    const request = await imageApi.waitFor((candidate) => bodyText(candidate.body).includes('make this one pink'));
    await channelResult(fake, threadId);
    expect(dataUrlImages(request.body)).toEqual([Buffer.from(harness.generated[1] ?? [])]);
  });
});
