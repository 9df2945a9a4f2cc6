import { describe, expect, it } from 'vitest';
import { discordCommands } from '../../../commands/discord-commands.js';
import type { FakeDiscordRequest } from '../../fakes/fake-discord.js';
import { contentOf, customIdsOf, type DiscordHarness, labelsOf, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();

/** Requests made with the bot token from `from` on: a user install must make none (the bot is not in the DM). */
const botTokenRequests = (harness: DiscordHarness, from: number): FakeDiscordRequest[] =>
  harness.fake.requests.slice(from).filter((request) => request.auth?.startsWith('Bot ') ?? false);

const webhookPath = (harness: DiscordHarness, token: string) =>
  `/webhooks/${harness.fake.applicationId}/${token}/messages/@original`;

/** The PATCH of an interaction's `@original` that carries the result's files, answered. */
const resultOf = (harness: DiscordHarness, token: string) =>
  harness.fake.waitFor(
    (request) =>
      request.method === 'PATCH' &&
      request.path === webhookPath(harness, token) &&
      request.files.length > 0 &&
      request.status === 200,
  );

describe('Discord user installs', () => {
  it('registers /imagine, /edit, /models, /usage and Edit image for user installs everywhere; /settings stays in servers', async () => {
    const harness = await harnesses.start({ guildScope: false });
    const registered = harness.fake.commands.global;
    const installs = Object.fromEntries(
      registered.map((command) => [command.name, [command.integration_types, command.contexts]]),
    );
    for (const name of ['imagine', 'edit', 'models', 'usage', 'Edit image']) {
      expect(installs[name]).toEqual([
        [0, 1],
        [0, 1, 2],
      ]);
    }
    expect(installs['settings']).toEqual([[0], [0]]);
    expect(registered).toHaveLength(discordCommands().length);
  });

  it('answers /imagine in a DM through the interaction webhook alone, in the member’s own space', async () => {
    const harness = await harnesses.start({ guildScope: false });
    const { fake } = harness;
    const from = fake.requests.length;

    const sent = fake.interaction({ name: 'imagine', userInstallDm: true, options: { prompt: 'a paper boat' } });
    const callback = await harness.callback(sent);
    const result = await harness.result(sent);
    const job = await harness.bot.events.waitFor((event) => event.type === 'succeeded');

    expect(callback.body).toMatchObject({ type: 5, data: { flags: 0 } });
    const statuses = harness.originalEdits(sent).filter((edit) => edit.files.length === 0);
    expect(contentOf(statuses[0])).toContain('Queued');
    expect(contentOf(statuses[0])).toContain('press Show result');
    expect(labelsOf(statuses[0])).toEqual(['Cancel', 'Show result']);
    expect(contentOf(result)).toContain('a paper boat');
    expect(labelsOf(result)).toEqual(['Reroll', 'Edit', 'Variations', 'Delete']);
    expect(Buffer.from(result.files[0]?.bytes ?? [])).toEqual(Buffer.from(harness.generated[0] ?? []));
    // No thread, no channel post, no bot-token call of any kind: the bot is not in this DM.
    expect(botTokenRequests(harness, from)).toEqual([]);
    expect(job.job.workspaceId).toBe(`user:${fake.userId}`);
    const conversation = await harness.bot.store.getConversation(job.job.conversationId);
    expect(conversation?.threadId ?? null).toBeNull();
  });

  it('rerolls from the result’s button as a new reply of that press, and deletes through the webhook', async () => {
    const harness = await harnesses.start({ guildScope: false });
    const { fake } = harness;
    const sent = fake.interaction({ name: 'imagine', userInstallDm: true, options: { prompt: 'a paper crane' } });
    const result = await harness.result(sent);
    const resultId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    const reroll = customIdsOf(result).find((id) => id.startsWith('tp:reroll:')) ?? '';
    const from = fake.requests.length;

    const press = fake.interaction({ type: 3, userInstallDm: true, customId: reroll, message: resultId });
    const again = await resultOf(harness, press.token);

    expect((await harness.callback(press)).body).toMatchObject({ type: 5 });
    expect(contentOf(again)).toContain('a paper crane');
    const pressedId = fake.interactions.get(press.id)?.originalMessageId ?? '';
    expect(pressedId).not.toBe(resultId);
    // The first result is untouched: the reroll is a message of its own.
    expect(fake.message(resultId)?.attachments).toHaveLength(1);

    const remove = customIdsOf(again).find((id) => id.startsWith('tp:delete:')) ?? '';
    const deletion = fake.interaction({ type: 3, userInstallDm: true, customId: remove, message: pressedId });
    await fake.waitFor(
      (request) => request.method === 'DELETE' && request.path === webhookPath(harness, deletion.token),
    );
    expect(fake.message(pressedId)).toBeUndefined();
    expect(fake.message(resultId)).toBeDefined();
    expect(botTokenRequests(harness, from)).toEqual([]);
  });

  it('a stranger’s press on a member’s DM result opens nothing of theirs', async () => {
    const harness = await harnesses.start({ guildScope: false });
    const { fake } = harness;
    const sent = fake.interaction({ name: 'imagine', userInstallDm: true, options: { prompt: 'a tin robot' } });
    const result = await harness.result(sent);
    const resultId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    const reroll = customIdsOf(result).find((id) => id.startsWith('tp:reroll:')) ?? '';
    const jobsBefore = harness.imageApi.requests.length;

    const press = fake.interaction({
      type: 3,
      userInstallDm: true,
      userId: '323456789012345678',
      customId: reroll,
      message: resultId,
    });
    const answer = await harness.callback(press);

    expect(answer.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(answer.body)).toMatch(/no longer stored|expired/);
    expect(harness.imageApi.requests).toHaveLength(jobsBefore);
  });

  it('tells the member to press Show result once the token has expired, and posts the result through the new press', async () => {
    const harness = await harnesses.start({ guildScope: false });
    const { fake, provider, clock } = harness;
    provider.hold();
    const sent = fake.interaction({ name: 'imagine', userInstallDm: true, options: { prompt: 'a slow comet' } });
    await provider.calls.waitFor(() => true);
    const original = webhookPath(harness, sent.token);
    const started = await fake.waitFor((request) => request.path === original && /Generating/.test(contentOf(request)));
    expect(contentOf(started)).toContain('If this has not changed 15 minutes from now, press Show result.');
    const from = fake.requests.length;

    clock.advance(16 * 60_000);
    provider.release();
    const failed = await harness.bot.events.waitFor((event) => event.type === 'delivery_failed');
    expect(failed.job.error?.code).toBe('interaction_expired');
    expect(failed.job.error?.message).toContain('press Show result');
    // An expired token is the member's to resolve (one press), not the operator's error: a warning with its code.
    const warned = await harness.logs.waitFor((line) => line.msg === 'delivery failed');
    expect(warned).toMatchObject({ level: 40, code: 'interaction_expired' });
    expect(harness.errorLogs()).toEqual([]);
    // Nothing tried the bot token, and nothing was sent on the dead token either.
    expect(botTokenRequests(harness, from)).toEqual([]);
    expect(fake.requests.slice(from).filter((request) => request.path === original)).toEqual([]);

    const statusId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    const show = customIdsOf(started).find((id) => id.startsWith('tp:redeliver:')) ?? '';
    const press = fake.interaction({ type: 3, userInstallDm: true, customId: show, message: statusId });
    const result = await resultOf(harness, press.token);

    expect((await harness.callback(press)).body).toMatchObject({ type: 6 });
    expect(contentOf(result)).toContain('a slow comet');
    expect(fake.message(statusId)?.attachments).toHaveLength(1);
    expect(harness.imageApi.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(botTokenRequests(harness, from)).toEqual([]);
  });

  it('edits the image of a DM message through Edit image and the modal, with no bot-token read of the message', async () => {
    const harness = await harnesses.start({ guildScope: false });
    const { fake } = harness;
    const sent = fake.interaction({ name: 'imagine', userInstallDm: true, options: { prompt: 'a green kite' } });
    await harness.result(sent);
    const imageMessageId = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    const from = fake.requests.length;

    const menu = fake.interaction({
      name: 'Edit image',
      commandType: 3,
      userInstallDm: true,
      targetId: imageMessageId,
    });
    const modal = await harness.callback(menu);
    expect(modal.body).toMatchObject({ type: 9 });
    const customId = (modal.body as { data: { custom_id: string } }).data.custom_id;
    const submit = fake.interaction({
      type: 5,
      userInstallDm: true,
      customId,
      fields: { instruction: 'make it red' },
    });
    const edited = await resultOf(harness, submit.token);

    expect(contentOf(edited)).toContain('make it red');
    const call = harness.provider.calls.items.at(-1);
    expect(call?.request.inputImages).toHaveLength(1);
    expect(Buffer.from(call?.request.inputImages[0]?.bytes ?? [])).toEqual(Buffer.from(harness.generated[0] ?? []));
    expect(botTokenRequests(harness, from)).toEqual([]);
  });
});
