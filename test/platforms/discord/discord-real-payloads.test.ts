import { describe, expect, it } from 'vitest';
import type { FakeDiscordRequest } from '../../fakes/fake-discord.js';
import type { RecordedRequest } from '../../fakes/fake-image-api.js';
import { dataUrlImages } from '../../support/image-bytes.js';
import { loadPayload, type PayloadIds } from '../payloads.js';
import {
  colouredPng,
  contentOf,
  type DiscordHarness,
  type StartedConversation,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

const generations = (harness: DiscordHarness) =>
  harness.imageApi.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/images'));
const bodyText = (request: RecordedRequest | undefined) => JSON.stringify(request?.body ?? null);

/** The ids a captured message needs: the fake's guild, channel, conversation thread and member, and a fresh id. */
function idsFor(harness: DiscordHarness, conversation: StartedConversation, extra: PayloadIds = {}): PayloadIds {
  const { fake } = harness;
  return {
    guild: fake.guildId,
    channel: fake.channelId,
    thread: conversation.threadId,
    member: fake.userId,
    bot: fake.botUserId,
    message: fake.snowflake(),
    ...extra,
  };
}

/** The result posted in the thread for the member message `messageId` (the status message it replaces). */
async function resultFor(harness: DiscordHarness, threadId: string, messageId: string): Promise<FakeDiscordRequest> {
  const status = await harness.fake.waitFor(
    (request) =>
      request.method === 'POST' &&
      request.path === `/channels/${threadId}/messages` &&
      (request.body as { message_reference?: { message_id?: string } }).message_reference?.message_id === messageId,
  );
  const statusId = (status.response as { id: string }).id;
  return harness.fake.waitFor(
    (request) =>
      request.method === 'PATCH' &&
      request.path === `/channels/${threadId}/messages/${statusId}` &&
      request.files.length > 0 &&
      request.status === 200,
  );
}

describe('captured Discord messages, replayed through discord.js', () => {
  it('never starts a generation for a system message or another bot: a thread rename, a pin, a join, a thread starter', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const conversation = await startConversation(harness, 'a quiet harbour');
    const { threadId } = conversation;
    const before = fake.requests.length;

    for (const name of [
      'message-thread-rename.json',
      'message-pinned.json',
      'message-user-join.json',
      'message-thread-starter.json',
      'message-other-bot.json',
    ]) {
      const ids = idsFor(harness, conversation, { result: conversation.messageId, other_bot: fake.snowflake() });
      fake.replayMessage(loadPayload(`discord/${name}`, ids).payload);
    }
    // The gateway keeps order: once a member's real message is answered, the captures before it were seen.
    const marker = fake.messageCreate({ channelId: threadId, content: 'add a lighthouse' });
    await resultFor(harness, threadId, marker.id);

    const prompts = generations(harness).map(bodyText);
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain('add a lighthouse');
    expect(prompts.some((prompt) => prompt.includes('Harbour logo ideas') || prompt.includes('make it green'))).toBe(
      false,
    );
    const posted = fake.requests.slice(before).filter((request) => request.method === 'POST');
    // Only the marker's status message: nothing was said about the captures.
    expect(posted.filter((request) => request.path === `/channels/${threadId}/messages`)).toHaveLength(1);
    expect(await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).toHaveLength(2);
  });

  it('edits with a default message, then with a reply to that result (the turn it answers)', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const conversation = await startConversation(harness, 'a quiet harbour');
    const { threadId } = conversation;

    const first = fake.replayMessage(
      loadPayload('discord/message-default.json', idsFor(harness, conversation)).payload,
    );
    const firstResult = await resultFor(harness, threadId, first.id);
    expect(contentOf(firstResult)).toContain('Supa Hot');
    const resultId = (firstResult.response as { id: string }).id;

    const reply = fake.replayMessage(
      loadPayload('discord/message-reply.json', idsFor(harness, conversation, { result: resultId })).payload,
    );
    const replyResult = await resultFor(harness, threadId, reply.id);
    expect(contentOf(replyResult)).toContain('make the sky purple');
    const request = await imageApi.waitFor((candidate) => bodyText(candidate).includes('make the sky purple'));
    // The reply answers turn 2, so its image is what gets edited.
    expect(dataUrlImages(request.body)).toEqual([Buffer.from(harness.generated[1] ?? [])]);
    expect(generations(harness)).toHaveLength(3);
  });

  it('uses the image of a forwarded message as a reference', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const conversation = await startConversation(harness, 'a garden');
    const reference = colouredPng(77);
    const url = fake.cdnFile(reference, 'statue.png');
    const ids = idsFor(harness, conversation, {
      source_message: fake.snowflake(),
      attachment: fake.snowflake(),
      image_name: 'statue.png',
      image_size: reference.byteLength,
      image_url: url,
    });

    const forward = fake.replayMessage(loadPayload('discord/message-forward.json', ids).payload);
    await resultFor(harness, conversation.threadId, forward.id);

    const request = generations(harness)[1];
    const carried = dataUrlImages(request?.body);
    expect(carried).toHaveLength(2);
    expect(carried).toContainEqual(Buffer.from(harness.generated[0] ?? []));
    expect(carried).toContainEqual(Buffer.from(reference));
    expect(imageApi.requests.filter((candidate) => candidate.path.startsWith('/v1/images'))).toHaveLength(2);
  });

  it('fetches a pasted link to an image on Discord’s CDN as a reference, and leaves it out of the prompt', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const conversation = await startConversation(harness, 'a lantern');
    const reference = colouredPng(55);
    const url = fake.cdnFile(reference, 'style.png');

    const message = fake.replayMessage(
      loadPayload('discord/message-image-link.json', idsFor(harness, conversation, { image_url: url })).payload,
    );
    const result = await resultFor(harness, conversation.threadId, message.id);

    const request = generations(harness)[1];
    expect(dataUrlImages(request?.body)).toContainEqual(Buffer.from(reference));
    expect(bodyText(request)).toContain('in the style of this one');
    expect(bodyText(request)).not.toContain('/cdn/attachments/');
    expect(contentOf(result)).not.toContain('/cdn/attachments/');
    const download = fake.requests.find((candidate) => candidate.method === 'GET' && url.includes(candidate.path));
    expect(download?.status).toBe(200);
  });

  it('says which pasted link it could not fetch, and takes at most four', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const conversation = await startConversation(harness, 'a lantern');
    const url = fake.cdnFile(colouredPng(56), 'style.png');
    // A link whose signed URL no longer serves the file (Discord's links expire).
    const gone = url.replace(/\/attachments\/(\d+)\/(\d+)\//, '/attachments/$1/1/');
    const reply = async (imageUrl: string) => {
      const message = fake.replayMessage(
        loadPayload('discord/message-image-link.json', idsFor(harness, conversation, { image_url: imageUrl })).payload,
      );
      return fake.waitFor(
        (request) =>
          request.method === 'POST' &&
          request.path === `/channels/${conversation.threadId}/messages` &&
          (request.body as { message_reference?: { message_id?: string } }).message_reference?.message_id ===
            message.id,
      );
    };

    expect(contentOf(await reply(gone))).toBe('⚠️ I could not download style.png from Discord; please attach it again.');
    expect(contentOf(await reply(Array(5).fill(url).join(' ')))).toBe(
      '⚠️ I take at most 4 image links from one message; attach the other images instead.',
    );
    expect(generations(harness)).toHaveLength(1);
  });
});
