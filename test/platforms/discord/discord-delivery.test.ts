import { describe, expect, it } from 'vitest';
import {
  channelResult,
  contentOf,
  customIdsOf,
  type DiscordHarness,
  everythingSent,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

const generationCount = (h: DiscordHarness) =>
  h.imageApi.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/images')).length;

describe('Discord delivery', () => {
  it('has a rate-limited upload retried by discord.js, without generating again', async () => {
    const harness = await harnesses.start();
    const { fake, provider } = harness;
    provider.hold();
    const sent = harness.imagine('a paper boat');
    await provider.calls.waitFor(() => true);
    const original = `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`;
    await fake.waitFor((request) => request.path === original && /Generating/.test(contentOf(request)));

    fake.rateLimitNext({ method: 'PATCH', path: original, retryAfter: 0.2 });
    provider.release();
    const result = await harness.result(sent);

    const uploads = fake.requests.filter((request) => request.path === original && request.files.length > 0);
    expect(uploads.map((upload) => upload.status)).toEqual([429, 200]);
    expect(uploads[1]).toBe(result);
    expect(Buffer.from(uploads[0]?.files[0]?.bytes ?? [])).toEqual(Buffer.from(uploads[1]?.files[0]?.bytes ?? []));
    expect(generationCount(harness)).toBe(1);
    expect(harness.logs.items.some((line) => line.msg === 'discord: rate limited')).toBe(true);
    const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    expect(fake.message(messageId)?.attachments).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it('keeps the result on top when a status edit is held up by a rate limit', async () => {
    const harness = await harnesses.start();
    const { fake, provider } = harness;
    provider.hold();
    const sent = harness.imagine('a hummingbird');
    const original = `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`;
    fake.rateLimitNext({ method: 'PATCH', path: original, retryAfter: 0.4 });
    // The "Queued" edit is rate-limited; the image is made while it waits.
    await fake.waitFor((request) => request.path === original && request.status === 429);
    provider.release();
    await harness.result(sent);
    await harness.bot.events.next('succeeded');

    const edits = harness.originalEdits(sent).filter((edit) => edit.status === 200);
    expect(edits.map((edit) => (edit.files.length > 0 ? 'result' : contentOf(edit).split('\n')[1]))).toEqual([
      '⏳ Queued — starting soon',
      expect.stringMatching(/^🎨 Generating/),
      'result',
    ]);
    const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    expect(fake.message(messageId)?.content).toContain('a hummingbird');
    expect(fake.message(messageId)?.attachments).toHaveLength(1);
  });

  it('offers Post again when Discord refuses the result, logs it without the token or image bytes, and re-sends the stored image', async () => {
    const harness = await harnesses.start();
    const { fake, provider } = harness;
    provider.hold();
    const sent = harness.imagine('a glass of water');
    const original = `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`;
    await fake.waitFor((request) => request.path === original && /Generating/.test(contentOf(request)));
    fake.failNext({
      method: 'PATCH',
      path: original,
      status: 400,
      body: { code: 50006, message: 'Cannot send an empty message' },
    });
    provider.release();

    const notice = await fake.waitFor(
      (request) => request.path === original && /could not be posted/.test(contentOf(request)),
    );
    const logged = harness.acceptErrorLogs((line) => line.msg === 'delivery failed');
    expect(logged).toHaveLength(1);
    const line = JSON.stringify(logged[0]);
    expect(line).not.toContain(sent.token);
    expect(line.length).toBeLessThan(4_000);
    expect(everythingSent(fake)).not.toMatch(/\n\s+at |DiscordAPIError/);

    const postAgain = customIdsOf(notice).find((id) => id.startsWith('tp:redeliver:')) ?? '';
    const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    fake.interaction({ type: 3, customId: postAgain, message: messageId });
    const result = await harness.result(sent);

    expect(Buffer.from(result.files[0]?.bytes ?? [])).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(generationCount(harness)).toBe(1);
  });

  it('posts a result whose status message was deleted as a new reply, once, even through a 429', async () => {
    const harness = await harnesses.start();
    const { fake, provider } = harness;
    const { threadId } = await startConversation(harness, 'a kite');
    provider.hold();
    const member = fake.messageCreate({ channelId: threadId, content: 'make it a dragon kite' });
    await provider.calls.waitFor((call) => call.request.prompt.includes('dragon'));
    const status = await fake.waitFor(
      (request) =>
        request.method === 'PATCH' &&
        request.path.startsWith(`/channels/${threadId}/messages/`) &&
        /Generating/.test(contentOf(request)),
    );
    fake.messageDelete(String((status.response as { id: string }).id));

    fake.rateLimitNext({ method: 'POST', path: `/channels/${threadId}/messages`, retryAfter: 0.2 });
    provider.release();
    await harness.bot.events.waitFor((event) => event.type === 'succeeded' && event.job.action === 'edit', {
      timeoutMs: 10_000,
    });

    const posts = fake.requests.filter(
      (request) =>
        request.method === 'POST' && request.path === `/channels/${threadId}/messages` && request.files.length > 0,
    );
    expect(posts.map((post) => post.status)).toEqual([429, 200]);
    expect(posts[1]?.body).toMatchObject({
      enforce_nonce: true,
      message_reference: { message_id: member.id, fail_if_not_exists: false },
    });
    const results = fake.messagesIn(threadId).filter((message) => message.attachments.length > 0);
    expect(results).toHaveLength(1);
    expect(generationCount(harness)).toBe(2);
    expect(fake.violations).toEqual([]);
  });

  it('still posts the result in the thread when the member deleted the message it replies to', async () => {
    const harness = await harnesses.start();
    const { fake, provider } = harness;
    const { threadId } = await startConversation(harness, 'a lamp');
    provider.hold();
    const member = fake.messageCreate({ channelId: threadId, content: 'make it green' });
    await provider.calls.waitFor((call) => call.request.prompt.includes('green'));
    fake.messageDelete(member.id);

    provider.release();
    const posted = await channelResult(fake, threadId);

    expect(contentOf(posted)).toContain('make it green');
    expect(fake.violations).toEqual([]);
  });

  it('posts with the bot token once the interaction token is past its 15 minutes (injected clock)', async () => {
    const harness = await harnesses.start();
    const { fake, provider, clock } = harness;
    provider.hold();
    const sent = harness.imagine('a slow sunrise');
    await provider.calls.waitFor(() => true);
    const original = `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`;
    await fake.waitFor((request) => request.path === original && /Generating/.test(contentOf(request)));

    clock.advance(16 * 60_000);
    provider.release();
    const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    const result = await fake.waitFor(
      (request) =>
        request.method === 'PATCH' &&
        request.path === `/channels/${fake.channelId}/messages/${messageId}` &&
        request.files.length > 0,
      10_000,
    );

    expect(result.status).toBe(200);
    expect(result.auth).toBe(`Bot ${fake.botToken}`);
    expect(contentOf(result)).toContain('a slow sunrise');
    expect(fake.requests.filter((request) => request.path === original && request.files.length > 0)).toEqual([]);
    const thread = await fake.waitFor(
      (request) => request.path === `/channels/${fake.channelId}/messages/${messageId}/threads`,
    );
    expect(thread.status).toBe(201);
    expect(fake.message(messageId)?.attachments).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });
});
