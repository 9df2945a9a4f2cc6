import { describe, expect, it } from 'vitest';
import { fakePermissions } from '../../fakes/fake-discord.js';
import {
  channelResult,
  contentOf,
  type DiscordHarness,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

const stranger = '323456789012345678';
const moderatorRole = '423456789012345678';

const generations = (harness: DiscordHarness) =>
  harness.imageApi.requests.filter((request) => request.method === 'POST');

const deletionOf = (harness: DiscordHarness, messageId: string) =>
  harness.fake.waitFor(
    (request) =>
      request.method === 'DELETE' && request.path.endsWith(`/messages/${messageId}`) && request.status === 204,
  );

describe('Discord reactions', () => {
  it('🔁 from the member who asked rerolls the result into the thread; a stranger’s 🔁 does nothing', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { messageId, threadId } = await startConversation(harness, 'a brass compass');

    fake.reactionAdd({ messageId, emoji: '🔁', userId: stranger });
    fake.reactionAdd({ messageId, emoji: '🔁' });
    const posted = await channelResult(fake, threadId);

    expect(contentOf(posted)).toContain('*reroll*');
    expect(contentOf(posted)).toContain('a brass compass');
    expect(posted.auth).toBe(`Bot ${fake.botToken}`);
    await harness.bot.events.next('succeeded');
    expect(generations(harness)).toHaveLength(2);
    // The stranger's reaction made no job and no message: only the member's reroll was queued.
    const queued = harness.bot.events.items.filter((event) => event.type === 'queued');
    expect(queued.map((event) => event.job.memberId)).toEqual([fake.userId, fake.userId]);
    expect(fake.requests.some((request) => JSON.stringify(request.body ?? '').includes(stranger))).toBe(false);
  });

  it('a 🔁 repeated at once makes one reroll; one a few minutes later rerolls again', async () => {
    const harness = await harnesses.start();
    const { fake, clock } = harness;
    const { messageId } = await startConversation(harness, 'a pewter owl');
    const rerolled = (except?: string) =>
      harness.bot.events.waitFor(
        (event) => event.type === 'succeeded' && event.job.action === 'reroll' && event.job.id !== except,
      );

    fake.reactionAdd({ messageId, emoji: '🔁' });
    fake.reactionAdd({ messageId, emoji: '🔁' });
    const first = await rerolled();
    clock.advance(2 * 60_000);
    fake.reactionAdd({ messageId, emoji: '🔁' });
    const second = await rerolled(first.job.id);

    expect(second.job.id).not.toBe(first.job.id);
    expect(generations(harness)).toHaveLength(3);
    const rerolls = harness.bot.events.items.filter(
      (event) => event.type === 'queued' && event.job.action === 'reroll',
    );
    expect(rerolls).toHaveLength(2);
  });

  it('❌ from the member who asked deletes the result; a stranger’s ❌ leaves it', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { messageId, result } = await startConversation(harness, 'a glass apple');
    const turns = await harness.bot.store.listJobsByState(['delivered']);
    const turnId = turns[0]?.turnId ?? '';

    fake.reactionAdd({ messageId, emoji: '❌', userId: stranger });
    fake.reactionAdd({ messageId, emoji: '❌' });
    const deleted = await deletionOf(harness, messageId);

    expect(deleted.auth).toBe(`Bot ${fake.botToken}`);
    expect(fake.message(messageId)).toBeUndefined();
    expect(await harness.bot.store.getTurn(turnId)).toBeUndefined();
    expect(result.status).toBe(200);
    // Nothing told the stranger anything: one deletion, no post mentioning them.
    expect(fake.requests.filter((request) => request.method === 'DELETE')).toHaveLength(1);
    expect(fake.requests.some((request) => JSON.stringify(request.body ?? '').includes(stranger))).toBe(false);
  });

  it('❌ from a moderator (Manage Messages) deletes another member’s result; other emoji do nothing', async () => {
    const harness = await harnesses.start({
      fake: {
        guilds: [
          {
            channels: [{ name: 'general', type: 0 }],
            roles: [{ id: moderatorRole, name: 'mods', permissions: fakePermissions.ManageMessages }],
          },
        ],
      },
    });
    const { fake } = harness;
    const { messageId } = await startConversation(harness, 'a copper kettle');

    fake.reactionAdd({ messageId, emoji: '👍', userId: stranger, roles: [moderatorRole] });
    fake.reactionAdd({ messageId, emoji: '❌', userId: stranger, roles: [moderatorRole] });
    await deletionOf(harness, messageId);

    expect(fake.message(messageId)).toBeUndefined();
    expect(generations(harness)).toHaveLength(1);
  });
});
