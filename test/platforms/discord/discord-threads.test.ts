import { describe, expect, it } from 'vitest';
import { type FakeDiscordRequest, fakeIntents } from '../../fakes/fake-discord.js';
import type { RecordedRequest } from '../../fakes/fake-image-api.js';
import { dataUrlImages } from '../../support/image-bytes.js';
import {
  channelResult,
  colouredPng,
  contentOf,
  labelsOf,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

const generations = (requests: readonly RecordedRequest[]) =>
  requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/images/generations'));

const bodyText = (request: RecordedRequest | undefined) => JSON.stringify(request?.body ?? null);

describe('Discord thread edits', () => {
  it('edits the previous image with a member’s reply and posts the result in the thread as a reply', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const { threadId, result } = await startConversation(harness, 'a quiet harbour');

    const member = fake.messageCreate({ channelId: threadId, content: 'make it stormy' });
    const request = await imageApi.waitFor((candidate) => bodyText(candidate).includes('make it stormy'));
    const posted = await channelResult(fake, threadId);

    const carried = dataUrlImages(request.body);
    expect(carried).toHaveLength(1);
    expect(carried[0]).toEqual(Buffer.from(result.files[0]?.bytes ?? []));
    expect(carried[0]).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(Buffer.from(posted.files[0]?.bytes ?? [])).toEqual(Buffer.from(harness.generated[1] ?? []));
    expect(contentOf(posted)).toContain('make it stormy');
    expect(labelsOf(posted)).toEqual(['Reroll', 'Edit', 'Variations', 'Delete']);

    const status = fake.requests.find(
      (candidate) =>
        candidate.method === 'POST' &&
        candidate.path === `/channels/${threadId}/messages` &&
        contentOf(candidate).includes('Queued'),
    );
    expect(status?.body).toMatchObject({ message_reference: { message_id: member.id } });
    const shown = fake.message(String((posted.response as { id: string }).id));
    expect(shown).toMatchObject({ channel_id: threadId, type: 19, message_reference: { message_id: member.id } });
    expect(shown?.attachments).toHaveLength(1);
    expect(generations(imageApi.requests)).toHaveLength(2);
    expect(fake.violations).toEqual([]);
    expect(fake.unhandled).toEqual([]);
    expect(harness.errorLogs()).toEqual([]);
  });

  it('sends an image attached to the reply to the image API as a reference', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const { threadId } = await startConversation(harness, 'a garden');
    const reference = colouredPng(99);

    fake.messageCreate({
      channelId: threadId,
      content: 'put this statue in it',
      attachments: [{ bytes: reference, filename: 'statue.png' }],
    });
    const request = await imageApi.waitFor((candidate) => bodyText(candidate).includes('put this statue in it'));
    await channelResult(fake, threadId);

    const carried = dataUrlImages(request.body);
    expect(carried).toHaveLength(2);
    expect(carried).toContainEqual(Buffer.from(harness.generated[0] ?? []));
    expect(carried).toContainEqual(Buffer.from(reference));
    expect(fake.requests.some((candidate) => candidate.method === 'GET' && candidate.path.startsWith('/cdn/'))).toBe(
      true,
    );
    expect(fake.violations).toEqual([]);
  });

  it('ignores other bots, its own messages and threads that are not conversations', async () => {
    const harness = await harnesses.start({
      fake: {
        guilds: [
          {
            channels: [{ name: 'general' }],
            threads: [{ parentId: 'general', name: 'just chatting' }],
          },
        ],
      },
    });
    const { fake, imageApi } = harness;
    const { threadId } = await startConversation(harness, 'a windmill');
    const before = fake.requests.length;

    fake.messageCreate({ channelId: threadId, content: 'make it red', bot: true });
    fake.messageCreate({ channelId: fake.channel('just chatting'), content: 'make it blue' });
    // A marker the bot does answer: once it has, the earlier messages were seen and ignored.
    fake.messageCreate({ channelId: threadId, content: 'make it green' });
    await channelResult(fake, threadId);

    const prompts = generations(imageApi.requests).map(bodyText);
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain('make it green');
    expect(prompts.some((prompt) => prompt.includes('make it red') || prompt.includes('make it blue'))).toBe(false);
    const later = fake.requests.slice(before);
    expect(
      later.some((request: FakeDiscordRequest) =>
        request.path.startsWith(`/channels/${fake.channel('just chatting')}`),
      ),
    ).toBe(false);
    // Its own posts (the status and result, echoed by the gateway) did not start turns either.
    expect(await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).toHaveLength(2);
    expect(fake.violations).toEqual([]);
  });

  it('without Message Content, acts only on replies that mention it, and says so in the thread', async () => {
    const harness = await harnesses.start({ messageContent: false });
    const { fake, imageApi } = harness;
    const { threadId } = await startConversation(harness, 'a lantern');

    const hint = fake.messagesIn(threadId)[0];
    expect(hint?.content).toContain(`<@${fake.botUserId}>`);
    fake.messageCreate({ channelId: threadId, content: 'make it blue' });
    fake.messageCreate({ channelId: threadId, content: 'make it gold', mentionsBot: true });
    const posted = await channelResult(fake, threadId);

    const prompts = generations(imageApi.requests).map(bodyText);
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain('make it gold');
    expect(prompts[1]).not.toContain(`<@${fake.botUserId}>`);
    expect(contentOf(posted)).toContain('make it gold');
    // Guilds, GuildMessages and the two (unprivileged) reaction intents; no Message Content.
    expect(fake.identifies[0]?.intents).toBe(
      fakeIntents.Guilds |
        fakeIntents.GuildMessages |
        fakeIntents.GuildMessageReactions |
        fakeIntents.DirectMessageReactions,
    );
    expect(fake.violations).toEqual([]);
  });

  it('comes back to an archived thread when a member posts in it (THREAD_UPDATE first)', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const { threadId } = await startConversation(harness, 'a canyon');
    fake.threadUpdate({ threadId, archived: true });

    fake.messageCreate({ channelId: threadId, content: 'add a river' });
    await channelResult(fake, threadId);

    expect(bodyText(generations(imageApi.requests)[1])).toContain('add a river');
    expect(fake.threads.get(threadId)?.thread_metadata?.archived).toBe(false);
    expect(fake.violations).toEqual([]);
  });
});
