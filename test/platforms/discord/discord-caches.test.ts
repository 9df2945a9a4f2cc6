import { describe, expect, it, vi } from 'vitest';
import { type FakeDiscordOptions, fakeMemberPermissions, fakePermissions } from '../../fakes/fake-discord.js';
import {
  channelResult,
  contentOf,
  customIdsOf,
  type DiscordHarness,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

/** `general` with a thread `chat` that is not a conversation, where the crowd talks. */
const busyGuild = {
  guilds: [{ channels: [{ name: 'general' }], threads: [{ parentId: 'general', name: 'chat' }] }],
} as const satisfies FakeDiscordOptions;

/** Archived threads are swept a second after they were archived, checked every second. */
const quickSweeps = { caches: { sweepIntervalSeconds: 1, archivedThreadLifetimeSeconds: 1 } };

/** Messages from `count` different members, in `general` and in `chat`, none of them for the bot. */
function crowd(harness: DiscordHarness, count: number): void {
  const channels = [harness.fake.channel('general'), harness.fake.channel('chat')];
  for (let index = 0; index < count; index++) {
    harness.fake.messageCreate({
      channelId: channels[index % 2],
      authorId: String(1_200_000_000_000_000_000n + BigInt(index)),
      content: `small talk ${index}`,
    });
  }
}

const idOf = (ids: readonly string[], action: string) => ids.find((id) => id.startsWith(`tp:${action}:`)) ?? '';

describe('Discord caches (what the gateway keeps of a busy server)', () => {
  it('keeps no messages and no crowd of members or users, however many were seen', async () => {
    const harness = await harnesses.start({ fake: busyGuild, start: false });
    const bot = await harness.startBot(quickSweeps);
    const { threadId } = await startConversation(harness, 'a lighthouse');

    crowd(harness, 300);
    // The gateway hands events over in order: once this reply is answered, the crowd before it was handled.
    harness.fake.messageCreate({ channelId: threadId, content: 'and a gull on the rail' });
    expect(contentOf(await channelResult(harness.fake, threadId))).toContain('and a gull on the rail');
    const sizes = bot.platform.cacheSizes();
    expect(sizes).toMatchObject({ guilds: 1, messages: 0 });
    // The bot's own member and user, and at most the author of the message handled last.
    expect(sizes?.members).toBeLessThanOrEqual(2);
    expect(sizes?.users).toBe(1);
    // general, chat and the conversation's thread: channels and active threads stay.
    expect(sizes?.threads).toBe(2);
    expect(sizes?.channels).toBe(3);
  });

  it('still answers a thread reply, a button and a command in a thread after those threads were swept', async () => {
    const harness = await harnesses.start({ fake: busyGuild, start: false });
    const { client } = (await harness.startBot(quickSweeps)).platform;
    const { fake } = harness;
    const chat = fake.channel('chat');
    const { messageId, threadId, result } = await startConversation(harness, 'a red balloon');
    crowd(harness, 50);

    // Both threads are archived (a week of quiet), and discord.js forgets them.
    fake.threadUpdate({ threadId, archived: true });
    fake.threadUpdate({ threadId: chat, archived: true });
    await vi.waitFor(
      () => {
        expect(client.channels.cache.has(threadId)).toBe(false);
        expect(client.channels.cache.has(chat)).toBe(false);
      },
      { timeout: 10_000 },
    );

    // A reply in the archived conversation thread (Discord unarchives it first) is the next edit.
    fake.messageCreate({ channelId: threadId, content: 'let it drift higher' });
    const edited = await channelResult(fake, threadId);
    expect(contentOf(edited)).toContain('let it drift higher');

    // The first result's Reroll button still makes a new turn in the thread.
    fake.interaction({ type: 3, customId: idOf(customIdsOf(result), 'reroll'), message: messageId });
    const rerolled = await fake.waitFor(
      (request) =>
        request.method === 'PATCH' &&
        request.path.startsWith(`/channels/${threadId}/messages/`) &&
        request.files.length > 0 &&
        request.status === 200 &&
        contentOf(request).includes('*reroll*'),
    );
    expect(contentOf(rerolled)).toContain('a red balloon');

    // /imagine inside the swept `chat` thread is still known to be inside a thread: answered in place, no new thread.
    const threadsBefore = fake.requests.filter((request) => request.path.endsWith('/threads')).length;
    const done = new Set(harness.bot.events.items.filter((e) => e.type === 'succeeded').map((e) => e.job.id));
    const sent = harness.imagine('a paper crane', { channelId: chat });
    await harness.result(sent);
    await harness.bot.events.waitFor((event) => event.type === 'succeeded' && !done.has(event.job.id));
    expect(fake.requests.filter((request) => request.path.endsWith('/threads'))).toHaveLength(threadsBefore);
    expect(fake.message(fake.interactions.get(sent.id)?.originalMessageId ?? '')?.channel_id).toBe(chat);
    // …and the thread is that conversation's place: the next message in it (no reply, no mention) continues it.
    fake.messageCreate({ channelId: chat, content: 'fold it in gold' });
    expect(contentOf(await channelResult(fake, chat))).toContain('fold it in gold');
  });

  it('reads a thread reply’s author from the member its message carries, while the crowd fills the member cache', async () => {
    const harness = await harnesses.start({
      fake: {
        guilds: [
          {
            channels: [{ name: 'general' }],
            threads: [{ parentId: 'general', name: 'chat' }],
            roles: [{ name: 'Moderators', permissions: fakeMemberPermissions | fakePermissions.ManageGuild }],
          },
        ],
      },
      settings: { quota: { memberPerHour: 1 } },
    });
    const { fake } = harness;
    const { threadId } = await startConversation(harness, 'a tin robot');
    const moderator = '1299999999999999999';

    // Past the hourly quota, but Manage Server (from the Moderators role) is exempt; each reply is followed at once
    // by other members' messages, which take the member cache's place before the reply's job is checked.
    for (const colour of ['red', 'blue']) {
      fake.messageCreate({
        channelId: threadId,
        authorId: moderator,
        roles: ['Moderators'],
        content: `paint it ${colour}`,
      });
      crowd(harness, 5);
      const painted = await fake.waitFor(
        (request) =>
          request.method === 'PATCH' &&
          request.path.startsWith(`/channels/${threadId}/messages/`) &&
          request.files.length > 0 &&
          request.status === 200 &&
          contentOf(request).includes(`paint it ${colour}`),
      );
      expect(painted.files).toHaveLength(1);
    }
    expect(fake.requests.filter((request) => /You have used/.test(contentOf(request)))).toEqual([]);

    // The same replies from a member without the role are held to the quota.
    fake.messageCreate({ channelId: threadId, content: 'paint it green' });
    const refusal = await fake.waitFor(
      (request) => request.method === 'POST' && /You have used/.test(contentOf(request)),
    );
    expect(refusal.path).toBe(`/channels/${threadId}/messages`);
  });
});
