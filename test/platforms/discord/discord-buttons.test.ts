import { describe, expect, it } from 'vitest';
import { fakeMemberPermissions, fakePermissions } from '../../fakes/fake-discord.js';
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

const idOf = (ids: readonly string[], action: string) => ids.find((id) => id.startsWith(`tp:${action}:`)) ?? '';
const generations = (h: DiscordHarness) =>
  h.imageApi.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/images'));

describe('Discord buttons', () => {
  it('rerolls into a new turn in the thread (status, then result); a double click makes one job', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { messageId, threadId, result } = await startConversation(harness, 'a red balloon');
    const reroll = idOf(customIdsOf(result), 'reroll');

    const first = fake.interaction({ type: 3, customId: reroll, message: messageId });
    const second = fake.interaction({ type: 3, customId: reroll, message: messageId });
    const posted = await channelResult(fake, threadId);
    await Promise.all([harness.callback(first), harness.callback(second)]);

    // The two presses arrive together: which one is the duplicate is a race (on a shared queue either may record
    // first). The duplicate is told so, privately; the other one's press made the job.
    const pressed = [first, second];
    const already = await fake.waitFor(
      (request) =>
        request.method === 'POST' &&
        pressed.some((press) => request.path === `/webhooks/${fake.applicationId}/${press.token}`),
    );
    expect(already.body).toMatchObject({ content: 'Already on it.', flags: 64 });
    const maker = pressed.find((press) => !already.path.endsWith(press.token));
    expect((await harness.callback(maker ?? first)).body).toMatchObject({ type: 6 });
    const status = fake.requests.find(
      (request) =>
        request.method === 'POST' &&
        request.path === `/channels/${threadId}/messages` &&
        /Queued/.test(contentOf(request)),
    );
    expect(status).toBeDefined();
    expect(posted.path).toBe(`/channels/${threadId}/messages/${(status?.response as { id: string } | undefined)?.id}`);
    expect(contentOf(posted)).toContain('*reroll*');
    expect(contentOf(posted)).toContain('a red balloon');
    expect(generations(harness)).toHaveLength(2);
    await harness.bot.events.next('succeeded');
    const rerolls = (await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).filter(
      (job) => job.action === 'reroll',
    );
    expect(rerolls).toHaveLength(1);
    const thread = fake.messagesIn(threadId);
    expect(thread.filter((message) => message.attachments.length > 0)).toHaveLength(1);
    expect(thread.filter((message) => /Queued/.test(message.content))).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('opens the Edit modal as the first response and runs the edit on submit', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const { messageId, threadId, result } = await startConversation(harness, 'a snowman');
    const edit = idOf(customIdsOf(result), 'edit');
    const turnId = edit.split(':')[2] ?? '';

    const press = fake.interaction({ type: 3, customId: edit, message: messageId });
    const modal = await harness.callback(press);
    const modalId = String((modal.body as { data: { custom_id: string } }).data.custom_id);
    expect(modal.body).toMatchObject({ type: 9 });
    expect(modalId).toBe(`tp:editmodal:${turnId}:0`);
    expect(modal.receivedAt - press.dispatchedAt).toBeLessThan(1000);

    fake.interaction({ type: 5, customId: modalId, fields: { instruction: 'give it a top hat' }, message: messageId });
    const request = await imageApi.waitFor((candidate) => JSON.stringify(candidate.body ?? null).includes('top hat'));
    const posted = await channelResult(fake, threadId);

    expect(dataUrlImages(request.body)[0]).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(contentOf(posted)).toContain('give it a top hat');
    expect(fake.violations).toEqual([]);
  });

  it('makes variations of the picked image in the thread', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;
    const { messageId, threadId, result } = await startConversation(harness, 'a teapot');

    fake.interaction({ type: 3, customId: idOf(customIdsOf(result), 'vary'), message: messageId });
    const posted = await channelResult(fake, threadId);

    const request = generations(harness)[1];
    expect(dataUrlImages(request?.body)[0]).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(contentOf(posted)).toContain('*variations*');
    expect(imageApi.violations).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('deletes a turn’s messages for its requester, and refuses someone without Manage Messages', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { messageId, result } = await startConversation(harness, 'a castle');
    const remove = idOf(customIdsOf(result), 'delete');

    const stranger = fake.interaction({ type: 3, customId: remove, message: messageId, userId: '1234567890123456789' });
    const refused = await harness.callback(stranger);
    expect(refused.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(refused)).toMatch(/Only the member who asked/);
    expect(fake.message(messageId)).toBeDefined();

    const own = fake.interaction({ type: 3, customId: remove, message: messageId });
    await harness.callback(own);
    await fake.waitFor(
      (request) => request.method === 'DELETE' && request.path === `/channels/${fake.channelId}/messages/${messageId}`,
    );
    expect(fake.message(messageId)).toBeUndefined();
    expect(await harness.bot.engine.findMessage('discord', fake.channelId, messageId)).toBeUndefined();
    expect(fake.violations).toEqual([]);
  });

  it('lets a moderator (Manage Messages) delete someone else’s turn', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { messageId, result } = await startConversation(harness, 'a tower');

    fake.interaction({
      type: 3,
      customId: idOf(customIdsOf(result), 'delete'),
      message: messageId,
      userId: '1234567890123456789',
      memberPermissions: fakeMemberPermissions | fakePermissions.ManageMessages,
    });
    await fake.waitFor((request) => request.method === 'DELETE' && request.path.endsWith(`/messages/${messageId}`));

    expect(fake.message(messageId)).toBeUndefined();
  });

  it('cancels a queued job from its Cancel button: no generation, the status says Cancelled', async () => {
    const harness = await harnesses.start();
    const { fake, provider } = harness;
    provider.hold();
    const running = harness.imagine('first, held');
    await provider.calls.waitFor(() => true);
    const queued = harness.imagine('second, waiting');
    const original = `/webhooks/${fake.applicationId}/${queued.token}/messages/@original`;
    const status = await fake.waitFor((request) => request.path === original && /Queued/.test(contentOf(request)));
    const cancel = idOf(customIdsOf(status), 'cancel');
    const messageId = fake.interactions.get(queued.id)?.originalMessageId ?? '';

    fake.interaction({ type: 3, customId: cancel, message: messageId });
    const cancelled = await fake.waitFor(
      (request) => request.path === original && /Cancelled/.test(contentOf(request)),
    );
    provider.release();
    await harness.result(running);

    expect(customIdsOf(cancelled)).toEqual([]);
    expect(harness.provider.calls.items.map((call) => call.request.prompt)).toEqual(['first, held']);
    expect(
      harness.imageApi.requests.filter((request) => JSON.stringify(request.body ?? '').includes('second')),
    ).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('cancels a running job from its Cancel button: the call is aborted and nothing is posted', async () => {
    const harness = await harnesses.start();
    const { fake, provider } = harness;
    provider.hold();
    const sent = harness.imagine('a held thought');
    const call = await provider.calls.waitFor(() => true);
    const original = `/webhooks/${fake.applicationId}/${sent.token}/messages/@original`;
    const status = await fake.waitFor((request) => request.path === original && /Generating/.test(contentOf(request)));
    const messageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';

    fake.interaction({ type: 3, customId: idOf(customIdsOf(status), 'cancel'), message: messageId });
    await fake.waitFor((request) => request.path === original && /Cancelled/.test(contentOf(request)));

    expect(call.signal?.aborted).toBe(true);
    expect(harness.originalEdits(sent).filter((edit) => edit.files.length > 0)).toEqual([]);
    expect(fake.requests.filter((request) => request.path.endsWith('/threads'))).toEqual([]);
  });
});
