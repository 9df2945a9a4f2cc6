import { describe, expect, it } from 'vitest';
import { builtinModels } from '../../../src/core/models/builtin-models.js';
import { loadPayload } from '../payloads.js';
import { unreadableInteraction } from './discord-captures.js';
import { contentOf, startConversation, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();

const generationCount = (requests: readonly { path: string }[]) =>
  requests.filter((request) => request.path.startsWith('/v1/images')).length;

describe('Discord interactions the bot cannot or may no longer answer', () => {
  it('skips an interaction discord.js cannot read (no entitlements), tells the member, and keeps serving', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { token, payload } = unreadableInteraction(fake);

    const record = fake.replayInteraction(payload);
    const answer = await fake.waitFor((request) => request.path === `/interactions/${record.id}/${token}/callback`);

    expect(answer.status).toBe(204);
    expect(answer.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(answer)).toMatch(/could not read.*nothing was done.*\(ref [\w-]+\)/);
    const logged = harness.acceptErrorLogs((line) => line['event'] === 'INTERACTION_CREATE');
    expect(logged).toHaveLength(1);
    expect(contentOf(answer)).toContain(String(logged[0]?.['reference']));
    expect(JSON.stringify(logged[0])).not.toContain(token);
    // Still connected and serving: the next /imagine is answered and made.
    await harness.result(harness.imagine('a lighthouse'));
    expect(generationCount(harness.imageApi.requests)).toBe(1);
  });

  it('answers a button from an older version (a custom id it never made) with a sentence', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const { messageId } = await startConversation(harness, 'a red balloon');
    const { payload } = loadPayload<{ custom_id: string; component_type: number }>(
      'discord/interaction-button-data.json',
    );

    const press = fake.interaction({
      type: 3,
      customId: payload.custom_id,
      componentType: payload.component_type,
      message: messageId,
    });
    const answer = await harness.callback(press);

    expect(answer.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(contentOf(answer)).toContain('older version of threadpaint');
    expect(generationCount(harness.imageApi.requests)).toBe(1);
  });

  it('takes an interaction whose token died before the answer as a warning, with no second failed answer', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    const sent = harness.imagine('a windmill');
    // Discord's 3 seconds are over before the bot answers.
    fake.expireInteraction(sent.id);

    const refused = await harness.callback(sent);
    const warning = await harness.logs.waitFor((line) => line.level === 40 && line['code'] === 10062);

    expect(refused.status).toBe(404);
    expect(refused.response).toEqual(
      loadPayload<Record<string, { body: unknown }>>('discord/error-bodies.json').payload['unknownInteraction']?.body,
    );
    expect(warning['interactionId']).toBe(sent.id);
    const toDiscord = fake.requests.filter((request) => request.path.includes(sent.token));
    expect(toDiscord).toHaveLength(1);
    expect(harness.errorLogs()).toEqual([]);
    expect(generationCount(harness.imageApi.requests)).toBe(0);
  });

  it('pings nobody with an error edited into a public deferral (allowed_mentions is empty)', async () => {
    const harness = await harnesses.start();
    const { fake } = harness;
    // Says it is a PNG, is not one: refused after the deferral, when the download is read.
    const broken = {
      bytes: new TextEncoder().encode('@everyone not an image'),
      filename: 'x.png',
      contentType: 'image/png',
    };
    const sent = harness.imagine('@everyone look', { attachments: { image: broken } });

    const edit = await fake.waitFor(
      (request) =>
        request.method === 'PATCH' &&
        request.path === `/webhooks/${fake.applicationId}/${sent.token}/messages/@original` &&
        contentOf(request).startsWith('⚠️'),
    );

    expect(contentOf(edit)).toContain('could not download x.png');
    expect((edit.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    expect(generationCount(harness.imageApi.requests)).toBe(0);
  });

  it('autocompletes a model whose id is over 100 characters with a short value that /imagine turns back into it', async () => {
    const base = builtinModels.find((model) => model.id === 'gemini-2.5-flash-image');
    // An operator's fine-tune, named the way a gateway names deployments.
    const longId = `gemini-2.5-flash-image-${'acme-studio-fine-tune-checkpoint-'.repeat(3)}v1`;
    const harness = await harnesses.start({ models: [{ ...base, id: longId, aliases: [], label: 'Acme studio' }] });
    const { fake, imageApi } = harness;

    const typed = fake.interaction({
      type: 4,
      name: 'imagine',
      options: { prompt: 'a cat', model: 'acme' },
      focused: 'model',
    });
    const answer = await harness.callback(typed);
    const choices = (answer.body as { data: { choices: { name: string; value: string }[] } }).data.choices;
    expect(longId.length).toBeGreaterThan(100);
    expect(choices).toHaveLength(1);
    expect(choices[0]?.value.length).toBeLessThanOrEqual(100);

    await harness.result(harness.imagine('a cat', { options: { model: choices[0]?.value ?? '' } }));
    expect(JSON.stringify(imageApi.requests.at(-1)?.body)).toContain(`"model":"${longId}"`);
  });
});
