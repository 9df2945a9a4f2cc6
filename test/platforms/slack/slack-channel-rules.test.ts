import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSubcommand } from '../../../src/platforms/slack/slack-subcommands.js';
import { defaultChannels } from '../../fakes/fake-slack-state.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness({
    slack: { channels: [...defaultChannels, { id: 'C2', name: 'random', members: ['U1', 'U2', 'UADMIN'] }] },
  });
});
afterAll(async () => {
  await harness?.close();
});

const ephemeralText = (body: string) => (JSON.parse(body) as { response_type: string; text: string }).text;
const liveStates = ['queued', 'running', 'generated', 'delivered'] as const;

describe('Slack workspace channel rules', () => {
  it('reads the rules only after `settings workspace`, and a typed #name is not a channel', () => {
    expect(parseSubcommand('settings workspace channels here')).toBeDefined();
    expect(parseSubcommand('settings workspace channels <#C2|random> C1')).toBeDefined();
    expect(parseSubcommand('settings workspace blocked castle, red dragon')).toBeDefined();
    expect(parseSubcommand('settings workspace models seedream gemini')).toBeDefined();
    expect(parseSubcommand('settings workspace models all')).toBeDefined();
    expect(parseSubcommand('settings workspace channels #random')).toBeUndefined();
    expect(parseSubcommand('settings workspace models railway')).toBeUndefined();
    expect(parseSubcommand('settings blocked castle')).toBeUndefined();
  });

  it('refuses a disallowed channel, a blocked term and a disallowed model in the ack, and makes no job', async () => {
    const { slack, imageApi, bot } = harness;
    const refused = await harness.imagine('settings workspace channels here', { user: 'U2', channel: 'C1' });
    expect(ephemeralText(refused.body)).toContain('Only workspace admins');

    const channels = await harness.imagine('settings workspace channels here', { user: 'UADMIN', channel: 'C1' });
    expect(ephemeralText(channels.body)).toContain('channels <#C1>');
    const terms = await harness.imagine('settings workspace blocked Crème brûlée, red dragon', { user: 'UADMIN' });
    expect(ephemeralText(terms.body)).toContain('blocked `Crème brûlée`, `red dragon`');
    const models = await harness.imagine('settings workspace models seedream gemini', { user: 'UADMIN' });
    expect(ephemeralText(models.body)).toContain('models `doubao-seedream-4-5-251128`, `gemini-2.5-flash-image`');
    // A member sees how many terms there are, never the terms.
    const shown = ephemeralText((await harness.imagine('settings', { user: 'U2' })).body);
    expect(shown).toContain('2 blocked terms');
    expect(shown).not.toContain('dragon');

    const joinsBefore = slack.callsOf('conversations.join').length;
    const elsewhere = await harness.imagine('a lighthouse', { channel: 'C2' });
    expect(ephemeralText(elsewhere.body)).toContain("I don't make images in this channel");
    expect(slack.callsOf('conversations.join').length).toBe(joinsBefore);

    const blocked = ephemeralText((await harness.imagine('a RED-dragon --ar 16:9')).body);
    expect(blocked).toContain('not allowed here');
    expect(blocked.toLowerCase()).not.toContain('dragon');

    const model = ephemeralText((await harness.imagine('a fox --model gpt-image-1')).body);
    expect(model).toContain('gpt-image-1 is not allowed here. Models you can use: doubao-seedream-4-5-251128');

    expect(imageApi.requests).toEqual([]);
    expect(await bot.engine.store.listJobsByState([...liveStates])).toEqual([]);
    expect(slack.violations).toEqual([]);
  });

  it('refuses a thread reply that names a blocked term, with the sentence in the thread and no job', async () => {
    const { slack, bot } = harness;
    expect((await harness.imagine('a quiet harbour')).body).toBe('');
    const rootTs = await harness.rootOf('a quiet harbour');
    await harness.waitDone(rootTs);
    const jobsBefore = (await bot.engine.store.listJobsByState([...liveStates])).length;

    await harness.say({ text: 'add a red dragon', threadTs: rootTs });
    const told = await slack.waitFor(
      (call) => call.method === 'chat.postEphemeral' && String(call.args['text']).includes('not allowed here'),
    );
    expect(String(told.args['text']).toLowerCase()).not.toContain('dragon');
    expect((await bot.engine.store.listJobsByState([...liveStates])).length).toBe(jobsBefore);
    expect(slack.violations).toEqual([]);
  });
});
