import { describe, expect, it } from 'vitest';
import { fakeMemberPermissions, fakePermissions } from '../../fakes/fake-discord.js';
import { contentOf, customIdsOf, startConversation, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();
const manageServer = fakeMemberPermissions | fakePermissions.ManageGuild;
const twoChannels = { guilds: [{ channels: [{ name: 'general' }, { name: 'art' }] }] } as const;

describe('Discord /settings channel rules', () => {
  it('refuses a disallowed channel, a blocked term and a disallowed model ephemerally, and makes no job', async () => {
    const harness = await harnesses.start({ fake: twoChannels });
    const { fake, imageApi } = harness;
    const art = fake.channel('art');
    const general = fake.channel('general');

    // A member without Manage Server cannot set the rules.
    const refused = await harness.callback(
      fake.interaction({ name: 'settings', options: { blocked_terms: 'castle' }, channelId: art }),
    );
    expect(contentOf(refused)).toContain('Manage Server');
    expect(await harness.bot.store.getServerSettings('discord', fake.guildId)).toEqual({});

    const saved = await harness.callback(
      fake.interaction({
        name: 'settings',
        options: { channels: `<#${art}>`, blocked_terms: 'Crème brûlée, red dragon', models: 'gemini, seedream' },
        memberPermissions: manageServer,
        channelId: art,
      }),
    );
    expect(saved.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(saved)).toContain(`<#${art}>`);
    expect(await harness.bot.store.getServerSettings('discord', fake.guildId)).toEqual({
      allowedChannels: [art],
      blockedTerms: ['Crème brûlée', 'red dragon'],
      allowedModels: ['gemini-2.5-flash-image', 'doubao-seedream-4-5-251128'],
    });

    const elsewhere = await harness.callback(harness.imagine('a lighthouse', { channelId: general }));
    expect(elsewhere.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(elsewhere)).toBe(
      "⚠️ I don't make images in this channel here; an admin chose the channels I answer in.",
    );

    const blocked = await harness.callback(harness.imagine('a CREME BRULEE --ar 16:9', { channelId: art }));
    expect(blocked.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(blocked)).toContain('not allowed here');
    expect(contentOf(blocked).toLowerCase()).not.toMatch(/cr[eè]me|br[uû]l[eé]e/);

    const model = await harness.callback(
      harness.imagine('a fox', { channelId: art, options: { model: 'gpt-image-1' } }),
    );
    expect(contentOf(model)).toBe(
      '⚠️ gpt-image-1 is not allowed here. Models you can use: gemini-2.5-flash-image, doubao-seedream-4-5-251128.',
    );

    expect(imageApi.requests).toEqual([]);
    expect(await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).toEqual([]);

    // Where the rules allow it, the same member gets an image.
    const allowed = harness.imagine('a lighthouse', { channelId: art });
    const result = await harness.result(allowed);
    expect(customIdsOf(result).length).toBeGreaterThan(0);
    expect(imageApi.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it('refuses the buttons of a result made before its channel was left out, and generates nothing', async () => {
    const harness = await harnesses.start({ fake: twoChannels });
    const { fake, imageApi } = harness;
    const { messageId, result } = await startConversation(harness, 'a windmill', {
      channelId: fake.channel('general'),
    });
    await harness.callback(
      fake.interaction({
        name: 'settings',
        options: { channels: `<#${fake.channel('art')}>` },
        memberPermissions: manageServer,
      }),
    );
    const before = imageApi.requests.length;
    const reroll = customIdsOf(result).find((id) => id.startsWith('tp:reroll:')) ?? '';
    const press = fake.interaction({ type: 3, customId: reroll, message: messageId });
    const told = await fake.waitFor(
      (request) =>
        request.method === 'POST' &&
        request.path === `/webhooks/${fake.applicationId}/${press.token}` &&
        contentOf(request).includes("I don't make images in this channel"),
    );
    expect(told.body).toMatchObject({ flags: 64 });
    expect(imageApi.requests.length).toBe(before);
    expect(
      (await harness.bot.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).filter(
        (job) => job.action === 'reroll',
      ),
    ).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('offers only the allowed models in the model pickers', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    await harness.callback(
      fake.interaction({
        name: 'settings',
        options: { models: 'seedream, gpt-image-1' },
        memberPermissions: manageServer,
      }),
    );
    const picked = async (name: string) => {
      const callback = await harness.callback(
        fake.interaction({ type: 4, name, options: { model: '' }, focused: 'model' }),
      );
      return (callback.body as { data: { choices: { value: string }[] } }).data.choices.map((choice) => choice.value);
    };
    expect(await picked('imagine')).toEqual(['doubao-seedream-4-5-251128', 'gpt-image-1']);
    expect(await picked('blend')).toEqual(['doubao-seedream-4-5-251128', 'gpt-image-1']);
    expect(fake.violations).toEqual([]);
  });

  it('clears a rule with "all" and "none"', async () => {
    const harness = await harnesses.start({ fake: twoChannels });
    const { fake } = harness;
    const art = fake.channel('art');
    await harness.callback(
      fake.interaction({
        name: 'settings',
        options: { channels: `<#${art}>`, blocked_terms: 'castle' },
        memberPermissions: manageServer,
      }),
    );
    await harness.callback(
      fake.interaction({
        name: 'settings',
        options: { channels: 'all', blocked_terms: 'none' },
        memberPermissions: manageServer,
      }),
    );
    expect(await harness.bot.store.getServerSettings('discord', fake.guildId)).toEqual({});
    await harness.result(harness.imagine('a castle', { channelId: fake.channel('general') }));
    expect(fake.violations).toEqual([]);
  });
});
