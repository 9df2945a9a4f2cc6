import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSubcommand } from '../../../src/platforms/slack/slack-subcommands.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('Slack subcommands', () => {
  it('takes `settings` as a setting only with a value the engine would save; anything else is a prompt', () => {
    expect(parseSubcommand('settings model gpt-image-1')).toEqual({ kind: 'settings', args: ['model', 'gpt-image-1'] });
    expect(parseSubcommand('settings workspace quality high')).toBeDefined();
    expect(parseSubcommand('settings ar 16:9')).toBeDefined();
    expect(parseSubcommand('settings model default')).toBeDefined();
    expect(parseSubcommand('settings reset')).toBeDefined();
    expect(parseSubcommand('settings model railway at dusk')).toBeUndefined();
    expect(parseSubcommand('settings model railway')).toBeUndefined();
    expect(parseSubcommand('settings quality ultra')).toBeUndefined();
    expect(parseSubcommand('settings ar wide')).toBeUndefined();
  });

  it('makes an image of `/imagine settings model railway at dusk` instead of refusing it as a setting', async () => {
    const response = await harness.imagine('settings model railway at dusk', { user: 'U3' });
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    const rootTs = await harness.rootOf('settings model railway at dusk');
    await harness.waitDone(rootTs);
    const { member } = await harness.bot.engine.settings({ platform: 'slack', workspaceId: 'T1', memberId: 'U3' });
    expect(member).toEqual({});
  });
});
