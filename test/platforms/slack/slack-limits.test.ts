import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelope, memberMessage } from '../../fakes/fake-slack-payloads.js';
import { defaultChannels } from '../../fakes/fake-slack-state.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  // The bot was invited to #general: mentions there are answered in place.
  harness = await startSlackHarness({
    slack: {
      channels: defaultChannels.map((channel) =>
        channel.id === 'C1' ? { ...channel, members: [...(channel.members ?? []), 'UBOT'] } : channel,
      ),
    },
  });
});
afterAll(async () => {
  // close() fails on anything Slack would have refused (Block Kit limits included).
  await harness?.close();
});

describe('Slack limits', () => {
  it('posts a 1,500-line @mention: the quoted prompt is cut to a 3,000-character section, and the image follows', async () => {
    const { slack, bot } = harness;
    // One short line after another: each quoted line adds a `>`, which is how 3,000 gets overrun.
    const lines = Array.from({ length: 1500 }, (_, index) => `${index % 10}`);
    const message = memberMessage(slack, { text: `<@${slack.botUserId}> ${lines.join('\n')}` });
    const ts = message['ts'] as string;
    await bot.signer.event(eventEnvelope(slack, { ...message, type: 'app_mention' }));

    const status = await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args['thread_ts'] === ts && call.response['ok'] === true,
    );
    await slack.waitForCalls(
      'files.completeUploadExternal',
      1,
      (call) => call.args['thread_ts'] === ts && call.response['ok'] === true,
    );
    const section = (JSON.parse(String(status.args['blocks'])) as { text?: { text: string } }[])[0]?.text?.text ?? '';
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section).toMatch(/^<@U1> asked for:\n>0\n>1\n>2\n/);
    expect(section.endsWith('…')).toBe(true);
    expect(slack.violations).toEqual([]);
  });

  it('collapses runs of blank lines in the quote', async () => {
    const { slack, bot } = harness;
    const message = memberMessage(slack, { text: `<@${slack.botUserId}> a pier\n\n\n   \n\nat night` });
    const ts = message['ts'] as string;
    await bot.signer.event(eventEnvelope(slack, { ...message, type: 'app_mention' }));
    const status = await slack.waitFor((call) => call.method === 'chat.postMessage' && call.args['thread_ts'] === ts);
    expect(String(status.args['blocks'])).toContain('asked for:\\n>a pier\\n>at night');
  });
});
