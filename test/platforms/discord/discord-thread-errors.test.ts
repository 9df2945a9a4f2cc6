import { describe, expect, it } from 'vitest';
import { loadPayload } from '../payloads.js';
import {
  contentOf,
  customIdsOf,
  type DiscordHarness,
  type StartedConversation,
  startConversation,
  useDiscordHarness,
} from './discord-harness.js';

const harnesses = useDiscordHarness();

type ErrorBodies = Record<string, { status: number; body: { code: number; message: string } }>;
const errorBodies = loadPayload<ErrorBodies>('discord/error-bodies.json').payload;

const idOf = (ids: readonly string[], action: string) => ids.find((id) => id.startsWith(`tp:${action}:`)) ?? '';

/** Presses a button of the conversation's first result (in the parent channel) and reads the ephemeral answer. */
async function press(harness: DiscordHarness, conversation: StartedConversation, action: 'reroll' | 'vary') {
  const { fake } = harness;
  const sent = fake.interaction({
    type: 3,
    customId: idOf(customIdsOf(conversation.result), action),
    message: conversation.messageId,
  });
  return fake.waitFor(
    (request) => request.method === 'POST' && request.path === `/webhooks/${fake.applicationId}/${sent.token}`,
  );
}

async function expectNothingMade(harness: DiscordHarness, discordCode: number): Promise<void> {
  const warning = await harness.logs.waitFor((line) => line.level === 40 && line['code'] === discordCode);
  expect(warning.msg).toContain('no job made');
  expect(await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).toHaveLength(1);
  expect(harness.imageApi.requests.filter((request) => request.path.startsWith('/v1/images'))).toHaveLength(1);
  expect(harness.errorLogs()).toEqual([]);
}

describe('Discord buttons on a conversation whose thread is gone or closed', () => {
  it('says the thread is locked (archived and locked: 50083) and makes nothing', async () => {
    const harness = await harnesses.start();
    const conversation = await startConversation(harness, 'a quiet harbour');
    harness.fake.threadUpdate({ threadId: conversation.threadId, archived: true, locked: true });

    const answer = await press(harness, conversation, 'reroll');

    expect(answer.body).toMatchObject({ flags: 64 });
    expect(contentOf(answer)).toBe(
      "⚠️ This thread is locked, so I can't post in it any more: start a new one with /imagine.",
    );
    await expectNothingMade(harness, errorBodies['threadArchived']?.body.code ?? 0);
  });

  it('says the same of a thread locked while still open (160005)', async () => {
    const harness = await harnesses.start();
    const conversation = await startConversation(harness, 'a quiet harbour');
    harness.fake.threadUpdate({ threadId: conversation.threadId, locked: true });

    const answer = await press(harness, conversation, 'vary');

    expect(contentOf(answer)).toContain('This thread is locked');
    await expectNothingMade(harness, errorBodies['threadLocked']?.body.code ?? 0);
  });

  it('says the thread was deleted (10003), also from the Edit modal', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const conversation = await startConversation(harness, 'a quiet harbour');
    fake.threadDelete(conversation.threadId);

    const answer = await press(harness, conversation, 'reroll');
    expect(contentOf(answer)).toBe(
      "⚠️ This conversation's thread was deleted, so I can't post in it: start a new one with /imagine.",
    );

    const editId = idOf(customIdsOf(conversation.result), 'edit');
    const modal = fake.interaction({ type: 3, customId: editId, message: conversation.messageId });
    const opened = await harness.callback(modal);
    const modalId = (opened.body as { data: { custom_id: string } }).data.custom_id;
    const submit = fake.interaction({
      type: 5,
      customId: modalId,
      fields: { instruction: 'make it stormy' },
      message: conversation.messageId,
    });
    const told = await fake.waitFor(
      (request) => request.method === 'POST' && request.path === `/webhooks/${fake.applicationId}/${submit.token}`,
    );
    expect(contentOf(told)).toContain('was deleted');
    await expectNothingMade(harness, errorBodies['unknownChannel']?.body.code ?? 0);
  });

  it('says the bot cannot reach the thread any more (50001, Discord’s documented body)', async () => {
    const harness = await harnesses.start();
    const conversation = await startConversation(harness, 'a quiet harbour');
    const missingAccess = errorBodies['missingAccess'];
    harness.fake.failNext({
      method: 'POST',
      path: `/channels/${conversation.threadId}/messages`,
      status: missingAccess?.status ?? 0,
      body: missingAccess?.body,
    });

    const answer = await press(harness, conversation, 'reroll');

    expect(contentOf(answer)).toContain("I can't reach this thread any more");
    await expectNothingMade(harness, missingAccess?.body.code ?? 0);
  });
});
