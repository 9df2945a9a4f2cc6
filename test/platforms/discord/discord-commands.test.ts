import { describe, expect, it } from 'vitest';
import { discordCommands } from '../../../commands/discord-commands.js';
import { DiscordStartError } from '../../../src/platforms/discord/discord-platform.js';
import { fakeIntents, fakeMemberPermissions, fakePermissions } from '../../fakes/fake-discord.js';
import { contentOf, type DiscordHarness, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();

const commandWrites = (h: DiscordHarness) =>
  h.fake.requests.filter((request) => request.path.includes('/commands') && request.method !== 'GET');

describe('Discord command registration', () => {
  it('registers the commands once in the guild, and not again on a start with the same definitions', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const guildRoute = `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`;

    expect(commandWrites(harness).map((request) => `${request.method} ${request.path} → ${request.status}`)).toEqual([
      `PUT ${guildRoute} → 200`,
    ]);
    const registered = fake.commands.guilds.get(fake.guildId) ?? [];
    expect(registered.map((command) => command.name).sort()).toEqual(
      discordCommands()
        .map((command) => command.name)
        .sort(),
    );
    expect(registered.map((command) => command.contexts)).toEqual(discordCommands().map((command) => command.contexts));
    expect(fake.commands.global).toEqual([]);
    expect(fake.violations).toEqual([]);

    fake.clearRecords();
    await harness.restart();
    await fake.waitForReady({ sessions: 2 });

    expect(commandWrites(harness)).toEqual([]);
    expect(fake.requests.some((request) => request.method === 'GET' && request.path === guildRoute)).toBe(true);
    expect(harness.logs.items.some((line) => line.msg === 'discord: commands unchanged')).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it('registers globally, never in a guild too, when no guild is configured', async () => {
    const harness = await harnesses.start({ guildScope: false });
    const { fake } = harness;

    expect(commandWrites(harness).map((request) => `${request.method} ${request.path}`)).toEqual([
      `PUT /applications/${fake.applicationId}/commands`,
    ]);
    expect(fake.commands.global).toHaveLength(discordCommands().length);
    expect(fake.commands.guilds.get(fake.guildId) ?? []).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('stops with the portal toggle and DISCORD_MESSAGE_CONTENT named when the gateway refuses Message Content (4014)', async () => {
    const harness = await harnesses.start({
      start: false,
      fake: { allowedIntents: fakeIntents.Guilds | fakeIntents.GuildMessages },
    });

    const failure = await harness.startBot().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DiscordStartError);
    expect((failure as Error).message).toMatch(/Message Content Intent/);
    expect((failure as Error).message).toMatch(/Developer Portal/);
    expect((failure as Error).message).toContain('DISCORD_MESSAGE_CONTENT');
    expect(harness.fake.gatewayErrors).toEqual([expect.stringMatching(/^closed 4014/)]);
  });

  it('stops with a sentence about DISCORD_TOKEN when Discord rejects the token', async () => {
    const harness = await harnesses.start({ start: false });

    const failure = await harness.startBot({ token: 'not-the-token' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DiscordStartError);
    expect((failure as Error).message).toMatch(/^Discord rejected DISCORD_TOKEN/);
  });
});

describe('Discord /models, /settings, /usage and autocomplete', () => {
  it('lists the models ephemerally', async () => {
    const harness = await harnesses.start();
    const sent = harness.fake.interaction({ name: 'models' });
    const callback = await harness.callback(sent);

    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(callback)).toContain('`gemini-2.5-flash-image`');
    expect(contentOf(callback)).toContain('default');
    expect(contentOf(callback)).toContain('`gpt-image-1`');
    expect(harness.fake.violations).toEqual([]);
  });

  it('autocompletes the model option from the catalogue', async () => {
    const harness = await harnesses.start();
    const sent = harness.fake.interaction({
      type: 4,
      name: 'imagine',
      options: { prompt: 'a cat', model: 'seed' },
      focused: 'model',
    });
    const callback = await harness.callback(sent);

    const choices = (callback.body as { type: number; data: { choices: { name: string; value: string }[] } }).data
      .choices;
    expect(callback.body).toMatchObject({ type: 8 });
    expect(choices.map((choice) => choice.value)).toContain('doubao-seedream-4-5-251128');
    expect(choices.every((choice) => /seed/i.test(choice.name))).toBe(true);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(harness.fake.violations).toEqual([]);
  });

  it('keeps member defaults that the next /imagine uses', async () => {
    const harness = await harnesses.start();
    const { fake, imageApi } = harness;

    const settings = fake.interaction({ name: 'settings', options: { model: 'gpt-image-1', quality: 'low' } });
    const answer = await harness.callback(settings);
    expect(answer.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(answer)).toContain('gpt-image-1');

    const sent = harness.imagine('a fern');
    await harness.result(sent);
    const request = imageApi.requests.find((candidate) => candidate.method === 'POST');
    expect(request?.body).toMatchObject({ model: 'gpt-image-1', quality: 'low' });
    expect(fake.violations).toEqual([]);
  });

  it('refuses server settings to a member without Manage Server and takes them from one with it', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;

    // A `number` option arrives as type 10 even for a whole number.
    const options = [
      { name: 'scope', type: 3, value: 'server' },
      { name: 'member_per_day', type: 10, value: 5 },
    ];
    const refused = await harness.callback(fake.interaction({ name: 'settings', options }));
    expect(refused.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(refused)).toContain('Manage Server');
    expect(await harness.bot.store.getServerSettings('discord', fake.guildId)).toEqual({});

    const admin = await harness.callback(
      fake.interaction({
        name: 'settings',
        options,
        memberPermissions: fakeMemberPermissions | fakePermissions.ManageGuild,
      }),
    );
    expect(contentOf(admin)).toContain('Server settings');
    expect(await harness.bot.store.getServerSettings('discord', fake.guildId)).toMatchObject({ quotaMemberPerDay: 5 });
    expect(fake.violations).toEqual([]);
  });

  it('shows the member’s usage after an image', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    await harness.result(harness.imagine('a acorn'));
    await harness.bot.events.next('succeeded');

    const usage = await harness.callback(fake.interaction({ name: 'usage' }));

    expect(usage.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(usage)).toContain('`gemini-2.5-flash-image`: 1 image');
    expect(fake.violations).toEqual([]);
  });
});
