import { once } from 'node:events';
import {
  type ChatInputCommandInteraction,
  Client,
  type ClientEvents,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  RESTEvents,
  Routes,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  fakeBotPermissions,
  fakeIntents,
  fakePermissions,
  snowflakeTime,
  startFakeDiscord,
} from './fake-discord.js';
import { encodePng } from './fake-image-api-png.js';

const png = Buffer.from(encodePng(4, 3, (x, y) => [x * 60, y * 80, 200]));
const threadpaintIntents = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  const failures: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.resolve(cleanup()).catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw failures[0];
});

async function startFake(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = await startFakeDiscord(options);
  cleanups.push(() => fake.close());
  return fake;
}

function newClient(fake: FakeDiscord, intents: readonly GatewayIntentBits[] = threadpaintIntents) {
  const client = new Client({ intents: [...intents], rest: { api: fake.apiUrl } });
  const errors: Error[] = [];
  client.on(Events.Error, (error) => errors.push(error));
  cleanups.push(async () => {
    await client.destroy();
    expect(errors).toEqual([]);
  });
  return client;
}

async function connect(fake: FakeDiscord, intents?: readonly GatewayIntentBits[]): Promise<Client> {
  const client = newClient(fake, intents);
  const ready = once(client, Events.ClientReady);
  await client.login(fake.botToken);
  await ready;
  return client;
}

/** The next `event` whose first argument passes `filter`. */
function next<K extends keyof ClientEvents>(
  client: Client,
  event: K,
  filter: (value: ClientEvents[K][0]) => boolean = () => true,
): Promise<ClientEvents[K][0]> {
  return new Promise((resolve) => {
    const listener = (...args: ClientEvents[K]) => {
      if (!filter(args[0])) return;
      client.off(event, listener);
      resolve(args[0]);
    };
    client.on(event, listener);
  });
}

const nextCommand = (client: Client) =>
  next(client, 'interactionCreate', (interaction) =>
    interaction.isChatInputCommand(),
  ) as Promise<ChatInputCommandInteraction>;

const memberMessage = (client: Client) => next(client, 'messageCreate', (message) => !message.author.bot);

describe('fake Discord: gateway', () => {
  it('identifies the real discord.js client and caches the seeded guild and channels before ClientReady', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    await fake.waitForReady();

    expect(fake.identifies).toMatchObject([{ token: fake.botToken, intents: 33281, compress: false }]);
    expect(fake.readyCount).toBe(1);
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.members.me?.permissions.has('AttachFiles')).toBe(true);
    expect(client.channels.cache.get(fake.channelId)?.isTextBased()).toBe(true);
    expect(client.channels.cache.get(fake.channel('announcements'))?.type).toBe(5);
    expect(client.channels.cache.get(fake.channel('gallery'))?.type).toBe(15);
    expect(fake.channelId).toMatch(/^\d{17,19}$/);
    expect(Math.abs(snowflakeTime(fake.channelId) - Date.now())).toBeLessThan(60_000);
    expect(fake.unhandled).toEqual([]);
  });
});

describe('fake Discord: interactions', () => {
  it('delivers a slash command with options and an attachment, records the deferral and the multipart edit', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const received = nextCommand(client);
    const sent = fake.interaction({
      name: 'imagine',
      options: { prompt: 'a cat', count: 2 },
      attachments: { image: { bytes: png, filename: 'in.png' } },
    });
    const interaction = await received;

    expect(interaction.id).toBe(sent.id);
    expect(interaction.options.getString('prompt')).toBe('a cat');
    expect(interaction.options.getInteger('count')).toBe(2);
    expect(interaction.channel?.id).toBe(fake.channelId);
    expect(interaction.appPermissions.has('CreatePublicThreads')).toBe(true);
    expect(interaction.attachmentSizeLimit).toBe(10 * 1024 * 1024);
    const attachment = interaction.options.getAttachment('image', true);
    expect(attachment.contentType).toBe('image/png');
    expect(attachment.width).toBe(4);
    const download = await fetch(attachment.url);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(png);

    await interaction.deferReply();
    const callback = await fake.waitFor(
      (request) => request.path === `/interactions/${sent.id}/${sent.token}/callback`,
    );
    expect(callback).toMatchObject({ json: { type: 5, data: { flags: 0 } }, auth: undefined, status: 204 });
    expect(callback.receivedAt - sent.dispatchedAt).toBeLessThan(3000);

    const reply = await interaction.editReply({ content: 'done', files: [{ attachment: png, name: 'a.png' }] });
    const edit = await fake.waitFor((request) => request.method === 'PATCH');
    expect(edit.rawUrl).toContain('/messages/%40original');
    expect(edit.path).toBe(`/webhooks/${fake.applicationId}/${sent.token}/messages/@original`);
    expect(edit.files).toMatchObject([{ field: 'files[0]', filename: 'a.png', contentType: 'image/png' }]);
    expect(Buffer.from(edit.files[0]?.bytes ?? [])).toEqual(png);
    expect(edit.multipart?.payload).toMatchObject({ content: 'done', attachments: [{ id: '0' }] });
    expect(reply.id).toBe(fake.interactions.get(sent.id)?.originalMessageId);
    expect(fake.message(reply.id)?.flags).toBe(0);
    const uploaded = reply.attachments.first();
    expect(Buffer.from(await (await fetch(uploaded?.url ?? '')).arrayBuffer())).toEqual(png);
    expect(fake.violations).toEqual([]);
    expect(fake.unhandled).toEqual([]);
  });
});

describe('fake Discord: threads and channel messages', () => {
  it('starts a thread on the reply, delivers a member message in it, and receives the reply upload', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const received = nextCommand(client);
    fake.interaction({ options: { prompt: 'a cat' } });
    const interaction = await received;
    const deferred = await interaction.deferReply({ withResponse: true });
    const reply = await interaction.editReply({ content: 'a cat', files: [{ attachment: png, name: 'a.png' }] });
    expect(deferred.resource?.message?.id).toBe(reply.id);

    const thread = await reply.startThread({ name: 'a cat', autoArchiveDuration: 10080 });
    expect(thread.id).toBe(reply.id);
    expect(client.channels.cache.get(thread.id)).toBe(thread);
    expect(fake.threads.get(reply.id)).toMatchObject({ parent_id: fake.channelId, type: 11, name: 'a cat' });
    expect(fake.threads.get(reply.id)?.thread_metadata?.auto_archive_duration).toBe(10080);
    const create = await fake.waitFor((request) => request.path.endsWith(`/messages/${reply.id}/threads`));
    expect(create).toMatchObject({
      auth: `Bot ${fake.botToken}`,
      status: 201,
      json: { name: 'a cat', auto_archive_duration: 10080 },
    });

    const arrived = memberMessage(client);
    const sent = fake.messageCreate({
      channelId: thread.id,
      content: 'make it blue',
      attachments: [{ bytes: png, filename: 'ref.png' }],
    });
    const message = await arrived;
    expect(message).toMatchObject({ id: sent.id, channelId: thread.id, content: 'make it blue' });
    expect(message.attachments.first()?.contentType).toBe('image/png');

    await thread.send({
      content: 'bluer',
      files: [{ attachment: png, name: 'b.png' }],
      reply: { messageReference: message },
    });
    const upload = await fake.waitFor(
      (request) => request.method === 'POST' && request.path === `/channels/${thread.id}/messages`,
    );
    expect(upload.files).toMatchObject([{ field: 'files[0]', filename: 'b.png', contentType: 'image/png' }]);
    expect(upload.body).toMatchObject({
      content: 'bluer',
      message_reference: { message_id: message.id },
      attachments: [{ id: '0' }],
    });
    expect(fake.messagesIn(thread.id).map((stored) => stored.type)).toEqual([0, 19]);
    expect(fake.violations).toEqual([]);
  });

  it('has discord.js retry a rate-limited upload transparently: two attempts, one message', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const limited = once(client.rest, RESTEvents.RateLimited);
    fake.rateLimitNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/, retryAfter: 0.2 });
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;

    const message = await channel.send({ content: 'done', files: [{ attachment: png, name: 'a.png' }] });

    const [info] = (await limited) as [{ retryAfter: number; global: boolean }];
    expect(info).toMatchObject({ global: false });
    expect(info.retryAfter).toBeGreaterThanOrEqual(200);
    const attempts = fake.requests.filter((request) => request.path === `/channels/${fake.channelId}/messages`);
    expect(attempts.map((attempt) => attempt.status)).toEqual([429, 200]);
    expect(attempts.map((attempt) => attempt.files.length)).toEqual([1, 1]);
    expect(attempts[0]?.response).toEqual({ message: 'You are being rate limited.', retry_after: 0.2, global: false });
    expect(fake.messagesIn(fake.channelId).map((stored) => stored.id)).toEqual([message.id]);
  });

  it('returns the same message for a repeated enforced nonce instead of posting twice', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const route = Routes.channelMessages(fake.channelId);
    const body = { content: 'result', nonce: 'job-42', enforce_nonce: true };

    const first = (await client.rest.post(route, { body })) as { id: string };
    const second = (await client.rest.post(route, { body })) as { id: string };

    expect(second.id).toBe(first.id);
    expect(fake.messagesIn(fake.channelId)).toHaveLength(1);
  });

  it('comes back with old threads after a restart: GUILD_CREATE.threads, and THREAD_UPDATE for archived ones', async () => {
    const fake = await startFake();
    const first = await connect(fake);
    const channel = first.channels.cache.get(fake.channelId) as TextChannel;
    const active = await (await channel.send('one')).startThread({ name: 'active', autoArchiveDuration: 10080 });
    const archived = await (await channel.send('two')).startThread({ name: 'archived', autoArchiveDuration: 60 });
    await archived.setArchived(true);
    await first.destroy();

    const second = await connect(fake);
    await fake.waitForReady({ sessions: 2 });
    expect(second.channels.cache.get(active.id)?.isThread()).toBe(true);
    expect(second.channels.cache.has(archived.id)).toBe(false);

    const inActive = memberMessage(second);
    fake.messageCreate({ channelId: active.id, content: 'make it blue' });
    expect((await inActive).channelId).toBe(active.id);

    // An uncached thread's THREAD_UPDATE only caches it (no threadUpdate event): watch the raw dispatch order.
    const dispatches: string[] = [];
    second.on(Events.Raw, (packet: { t?: string | null }) => {
      if (packet.t) dispatches.push(packet.t);
    });
    const inArchived = memberMessage(second);
    fake.messageCreate({ channelId: archived.id, content: 'and green' });
    expect((await inArchived).content).toBe('and green');
    expect(dispatches).toEqual(['THREAD_UPDATE', 'MESSAGE_CREATE']);
    expect(second.channels.cache.get(archived.id)?.isThread()).toBe(true);
    expect(fake.threads.get(archived.id)?.thread_metadata?.archived).toBe(false);
  });
});

describe('fake Discord: where threads live', () => {
  it('starts announcement threads, forum posts, and refuses a thread inside a thread', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const announcements = client.channels.cache.get(fake.channel('announcements')) as TextChannel;
    const forum = client.channels.cache.get(fake.channel('gallery'));
    if (!forum?.isThreadOnly()) throw new Error('gallery is not a forum');

    const news = await (await announcements.send('news')).startThread({ name: 'news thread' });
    const post = await forum.threads.create({
      name: 'a cat',
      message: { content: 'a cat', files: [{ attachment: png, name: 'a.png' }] },
    });
    const inside = await post.send('inside');
    // discord.js refuses this itself (MessageThreadParent); a bot going through REST hears it from Discord.
    const nested = { name: 'nested' };
    const inner = await client.rest
      .post(Routes.threads(post.id, inside.id), { body: nested })
      .catch((caught: unknown) => caught);

    expect(news.type).toBe(10);
    expect(post.parentId).toBe(forum.id);
    expect(fake.messagesIn(post.id)[0]).toMatchObject({
      id: post.id,
      content: 'a cat',
      attachments: [{ filename: 'a.png' }],
    });
    expect(inner).toMatchObject({ status: 400, code: 50024 });
    expect(fake.violations).toEqual([]);
  });

  it('sends seeded active threads in GUILD_CREATE and resolves a message context menu target', async () => {
    const seed = {
      name: 'seeded',
      channels: [{ name: 'general' }],
      threads: [{ parentId: 'general', name: 'old conversation' }],
    };
    const fake = await startFake({ guilds: [seed] });
    const client = await connect(fake);
    const threadId = fake.channel('old conversation');
    expect(client.channels.cache.get(threadId)?.isThread()).toBe(true);

    const target = fake.messageCreate({ channelId: threadId, attachments: [{ bytes: png, filename: 'old.png' }] });
    const received = next(client, 'interactionCreate', (interaction) => interaction.isMessageContextMenuCommand());
    fake.interaction({ name: 'Edit image', commandType: 3, targetId: target.id, channelId: threadId });
    const menu = await received;
    if (!menu.isMessageContextMenuCommand()) throw new Error('not a message context menu');

    expect(menu.targetMessage.id).toBe(target.id);
    expect(menu.targetMessage.attachments.first()?.name).toBe('old.png');
    const reply = await menu.reply({ content: 'editing', withResponse: true });
    expect(reply.resource?.message?.content).toBe('editing');
  });
});

describe("fake Discord: Discord's rules", () => {
  it('answers a callback after the response deadline with 10062 Unknown interaction', async () => {
    const fake = await startFake({ interactionResponseDeadlineMs: 0 });
    const client = await connect(fake);
    const received = nextCommand(client);
    fake.interaction();
    const interaction = await received;

    const error = await interaction.deferReply().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 404, code: 10062 });
  });

  it('refuses an interaction webhook call once the token is older than its lifetime (injected clock)', async () => {
    let clock = Date.UTC(2026, 0, 5, 9, 0, 0);
    const fake = await startFake({ now: () => clock });
    const client = await connect(fake);
    const received = nextCommand(client);
    const sent = fake.interaction();
    const interaction = await received;
    expect(interaction.createdTimestamp).toBe(clock);
    await interaction.deferReply();
    await interaction.editReply('Queued #1');

    clock += 15 * 60_000 + 1;
    const error = await interaction.editReply('done').catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 401, code: 50027 });
    const original = fake.interactions.get(sent.id)?.originalMessageId ?? '';
    const edited = (await client.rest.patch(Routes.channelMessage(fake.channelId, original), {
      body: { content: 'done' },
    })) as { content: string };
    expect(edited.content).toBe('done');
  });

  it('closes the gateway with 4014 when the client asks for MessageContent and the portal does not grant it', async () => {
    const fake = await startFake({ allowedIntents: fakeIntents.Guilds | fakeIntents.GuildMessages });
    const client = newClient(fake);
    const disconnected = next(client, 'shardDisconnect');

    const login = client.login(fake.botToken).catch((caught: unknown) => caught);

    expect((await disconnected).code).toBe(4014);
    expect(fake.gatewayErrors).toEqual([expect.stringMatching(/^closed 4014: Disallowed intent/)]);
    await client.destroy();
    await login;
  });

  it('rejects a 101-character thread name against the spec with 50035 and records the violation', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const starter = await (client.channels.cache.get(fake.channelId) as TextChannel).send('start');

    const error = await client.rest
      .post(Routes.threads(fake.channelId, starter.id), { body: { name: 'x'.repeat(101), auto_archive_duration: 60 } })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 400, code: 50035 });
    expect(fake.violations).toMatchObject([
      {
        source: 'spec',
        method: 'POST',
        path: `/channels/${fake.channelId}/messages/${starter.id}/threads`,
        errors: { name: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' }] } },
      },
    ]);
    expect(fake.threads.size).toBe(0);
  });
});

describe("fake Discord: Discord's limits on what the bot sends", () => {
  it('refuses more than 10 files, a file over the limit, content over 2000 characters and a sixth action row', async () => {
    const fake = await startFake({ guilds: [{ channels: [{ name: 'general' }], attachmentSizeLimit: 1024 }] });
    const client = await connect(fake);
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    const file = (name: string, size = 10) => ({ attachment: Buffer.alloc(size, 1), name });
    const row = { type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'go' }] };
    const refusal = (attempt: Promise<unknown>) => attempt.catch((caught: unknown) => caught);

    const tooMany = await refusal(
      channel.send({ files: Array.from({ length: 11 }, (_, index) => file(`${index}.bin`)) }),
    );
    const tooBig = await refusal(channel.send({ files: [file('big.bin', 1025)] }));
    const tooLong = await refusal(channel.send({ content: 'x'.repeat(2001) }));
    const rows = { content: 'rows', components: Array(6).fill(row) };
    const tooManyRows = await refusal(client.rest.post(Routes.channelMessages(fake.channelId), { body: rows }));

    expect(tooMany).toMatchObject({ status: 400, code: 30015 });
    expect(tooBig).toMatchObject({ status: 413, code: 40005 });
    expect(tooLong).toMatchObject({ status: 400, code: 50035 });
    expect(tooManyRows).toMatchObject({ status: 400, code: 50035 });
    expect(fake.violations.map((violation) => [violation.source, violation.code])).toEqual([
      ['limit', 30015],
      ['limit', 40005],
      ['limit', 50035],
      ['limit', 50035],
    ]);
    expect(fake.violations[2]?.errors).toEqual({
      content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
    });
    expect(fake.messagesIn(fake.channelId)).toEqual([]);
  });

  it("holds interaction uploads to the interaction's attachment_size_limit and custom ids to 100 characters", async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const received = nextCommand(client);
    fake.interaction({ attachmentSizeLimit: 100 });
    const interaction = await received;
    await interaction.deferReply();
    const button = { type: 2, style: 1, label: 'Reroll', custom_id: 'r'.repeat(101) };

    const tooBig = await interaction
      .editReply({ files: [{ attachment: Buffer.alloc(101), name: 'a.bin' }] })
      .catch((caught: unknown) => caught);
    const longId = await interaction
      .editReply({ components: [{ type: 1, components: [button] }] })
      .catch((caught: unknown) => caught);

    expect(tooBig).toMatchObject({ status: 413, code: 40005 });
    expect(longId).toMatchObject({ status: 400, code: 50035 });
    expect(fake.violations.at(-1)).toMatchObject({
      source: 'spec',
      errors: {
        components: { 0: { components: { 0: { custom_id: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } },
      },
    });
  });
});

describe('fake Discord: commands, components, modals and autocomplete', () => {
  it('stores registered commands and dispatches interactions with their ids', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const definition = {
      name: 'imagine',
      description: 'Make an image',
      options: [{ type: 3, name: 'prompt', description: 'What', required: true }],
    };

    await client.application?.commands.set([definition], fake.guildId);
    const fetched = await client.application?.commands.fetch({ guildId: fake.guildId });
    const global = (await client.rest.get(Routes.applicationCommands(fake.applicationId))) as unknown[];

    const stored = fake.commands.guilds.get(fake.guildId)?.[0];
    expect(stored).toMatchObject({
      ...definition,
      guild_id: fake.guildId,
      application_id: fake.applicationId,
      type: 1,
    });
    expect(fetched?.first()?.id).toBe(stored?.id);
    expect(global).toEqual([]);
    const received = nextCommand(client);
    fake.interaction({ name: 'imagine', options: { prompt: 'a cat' } });
    expect((await received).commandId).toBe(stored?.id);
  });

  it('plays a button that opens a modal, the modal submit, an update of the message, and an autocomplete', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    const row = { type: 1, components: [{ type: 2, style: 1, label: 'Edit', custom_id: 'edit:1' }] };
    const result = await channel.send({ content: 'result', components: [row] });

    const pressed = next(client, 'interactionCreate', (interaction) => interaction.isButton());
    const button = fake.interaction({ type: 3, customId: 'edit:1', message: result.id });
    const press = await pressed;
    if (!press.isButton()) throw new Error('not a button');
    expect(press.message.id).toBe(result.id);
    const input = { type: 4, custom_id: 'instruction', label: 'Instruction', style: 2 };
    await press.showModal({
      custom_id: 'modal:1',
      title: 'Edit the image',
      components: [{ type: 1, components: [input] }],
    });
    expect(fake.interactions.get(button.id)?.response?.type).toBe(9);

    const submitted = next(client, 'interactionCreate', (interaction) => interaction.isModalSubmit());
    fake.interaction({ type: 5, customId: 'modal:1', fields: { instruction: 'make it blue' }, message: result.id });
    const submit = await submitted;
    if (!submit.isModalSubmit()) throw new Error('not a modal submit');
    expect(submit.fields.getTextInputValue('instruction')).toBe('make it blue');
    await submit.deferUpdate();
    await submit.editReply({ content: 'editing…', components: [] });
    expect(fake.message(result.id)).toMatchObject({ content: 'editing…', components: [] });

    const typing = next(client, 'interactionCreate', (interaction) => interaction.isAutocomplete());
    const auto = fake.interaction({
      type: 4,
      name: 'imagine',
      options: { prompt: 'a cat', model: 'gpt' },
      focused: 'model',
    });
    const autocomplete = await typing;
    if (!autocomplete.isAutocomplete()) throw new Error('not autocomplete');
    expect(autocomplete.options.getFocused(true)).toMatchObject({ name: 'model', value: 'gpt' });
    await autocomplete.respond([{ name: 'gpt-image-1', value: 'gpt-image-1' }]);
    expect(fake.interactions.get(auto.id)?.response?.body).toEqual({
      type: 8,
      data: { choices: [{ name: 'gpt-image-1', value: 'gpt-image-1' }] },
    });
    expect(fake.violations).toEqual([]);
  });

  it('turns the first follow-up after a deferral into the original message, as Discord does', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const received = nextCommand(client);
    const sent = fake.interaction();
    const interaction = await received;
    await interaction.deferReply({ flags: 64 });

    const first = await interaction.followUp('first');
    const second = await interaction.followUp('second');

    expect(first.id).toBe(fake.interactions.get(sent.id)?.originalMessageId);
    expect(second.id).not.toBe(first.id);
    expect(fake.message(first.id)?.flags).toBe(64);
  });
});

describe('fake Discord: faults and hygiene', () => {
  it('plays a scripted failure once and then serves the route again', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    fake.failNext({
      method: 'POST',
      path: `/channels/${fake.channelId}/messages`,
      status: 403,
      body: { code: 50013, message: 'Missing Permissions' },
    });

    const refused = await channel.send('hello').catch((caught: unknown) => caught);
    const accepted = await channel.send('hello');

    expect(refused).toMatchObject({ status: 403, code: 50013 });
    expect(accepted.content).toBe('hello');
  });

  it('answers a wrong bot token with 401, so login fails, and records unknown routes as unhandled', async () => {
    const fake = await startFake();
    const client = new Client({ intents: threadpaintIntents, rest: { api: fake.apiUrl } });
    client.on(Events.Error, () => undefined);
    cleanups.push(() => client.destroy());

    await expect(client.login('wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    const unknown = await fetch(`${fake.apiUrl}/v10/nothing/here`, {
      headers: { authorization: `Bot ${fake.botToken}` },
    });

    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: '404: Not Found', code: 0 });
    expect(fake.unhandled.map((request) => request.path)).toEqual(['/nothing/here']);
  });

  it('lets discord.js resume after the gateway drops, and keeps dispatching', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const resumed = next(client, 'shardResume');

    fake.closeGateway(4000);
    await resumed;
    await fake.waitForReady();
    const received = nextCommand(client);
    fake.interaction();

    expect((await received).commandName).toBe('imagine');
    expect(fake.identifies).toHaveLength(1);
  });

  it('recommends its shard count on GET /gateway/bot and closes an IDENTIFY with a shard outside it (4010)', async () => {
    const fake = await startFake({ shards: 3, maxConcurrency: 3 });
    const answer = await fetch(`${fake.apiUrl}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${fake.botToken}` },
    });
    expect(await answer.json()).toMatchObject({ shards: 3, session_start_limit: { max_concurrency: 3 } });

    const socket = new WebSocket(`${fake.gatewayUrl}/?v=10&encoding=json`);
    await once(socket, 'message');
    const token = fake.botToken;
    socket.send(JSON.stringify({ op: 2, d: { token, intents: 1, properties: {}, shard: [3, 3] } }));
    const [code] = (await once(socket, 'close')) as [number];

    expect(code).toBe(4010);
    expect(fake.gatewayErrors).toEqual(['closed 4010: Invalid shard.']);
    expect(fake.readyCount).toBe(0);
  });

  it('refuses a compressed gateway connection at once and says why', async () => {
    const fake = await startFake();
    const socket = new WebSocket(`${fake.gatewayUrl}/?v=10&encoding=json&compress=zlib-stream`);

    const [code] = (await once(socket, 'close')) as [number];

    expect(code).toBe(4012);
    expect(fake.gatewayErrors).toEqual([expect.stringContaining('compress=zlib-stream is not supported')]);
  });

  it('blanks member message content for a client without MessageContent unless the bot is mentioned', async () => {
    const fake = await startFake();
    const client = await connect(fake, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);

    const plain = memberMessage(client);
    fake.messageCreate({ content: 'make it blue', attachments: [{ bytes: png, filename: 'ref.png' }] });
    const blanked = await plain;
    const mentioned = memberMessage(client);
    fake.messageCreate({ content: 'make it green', mentionsBot: true });

    expect(blanked.content).toBe('');
    expect(blanked.attachments.size).toBe(0);
    expect((await mentioned).content).toBe(`<@${fake.botUserId}> make it green`);
  });

  it('refuses to start without its spec file rather than validating nothing', async () => {
    await expect(startFake({ specPath: '/nonexistent/discord-openapi.json' })).rejects.toThrow(
      /spec \/nonexistent\/discord-openapi.json is missing/,
    );
  });

  it('grants the bot permissions threadpaint needs unless told otherwise', async () => {
    const fake = await startFake();
    const client = await connect(fake);
    const received = nextCommand(client);
    fake.interaction({ appPermissions: fakeBotPermissions & ~fakePermissions.AttachFiles });

    const interaction = await received;

    expect(interaction.appPermissions.has('AttachFiles')).toBe(false);
    expect(interaction.appPermissions.has('SendMessagesInThreads')).toBe(true);
  });
});
