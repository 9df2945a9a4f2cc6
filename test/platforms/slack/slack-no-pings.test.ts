import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelope, memberMessage } from '../../fakes/fake-slack-payloads.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});
afterAll(async () => {
  await harness?.close();
});

/** Every message the bot posted or edited since `from`, as Slack would render it: `text` and blocks. */
const postedSince = (from: number) =>
  harness.slack.calls
    .slice(from)
    .filter((call) => ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'respond'].includes(call.method))
    .map((call) => `${String(call.args['text'] ?? '')}\n${String(call.args['blocks'] ?? '')}`);

const pings = /<!(channel|here|everyone)\b/;

describe('Slack posts never ping on a member’s or the image API’s behalf', () => {
  it('escapes what /imagine and a thread reply typed, in every text fallback and block', async () => {
    const { slack } = harness;
    const from = slack.calls.length;
    // Slack delivers `<!here>` typed as characters escaped; a real @here arrives as <!here> and is dropped.
    await harness.imagine('&lt;!here&gt; a tin robot <!channel>');
    const rootTs = await harness.rootOf('a tin robot');
    await harness.waitDone(rootTs);
    await harness.say({ text: '&lt;!everyone&gt; paint it gold', threadTs: rootTs });
    await slack.waitForCalls(
      'chat.postMessage',
      1,
      (call) => String(call.args['text']).startsWith('Turn 2') && call.args['thread_ts'] === rootTs,
    );
    const done = slack.calls.filter(
      (call) => call.method === 'chat.update' && String(call.args['blocks']).includes('Done'),
    );
    await slack.waitForCalls('chat.update', done.length + 1, (call) => String(call.args['blocks']).includes('Done'));

    const posted = postedSince(from);
    // Root, its edits, turn 1, the reply's status and its edits, turn 2.
    expect(posted.length).toBeGreaterThanOrEqual(6);
    expect(posted.filter((message) => pings.test(message))).toEqual([]);
    expect(posted.some((message) => message.startsWith('&lt;!here&gt; a tin robot'))).toBe(true);
    expect(posted.some((message) => message.startsWith('Turn 2: &lt;!everyone&gt; paint it gold'))).toBe(true);
  });

  it('escapes an image API failure, whatever its text, in the status and in what the member is told', async () => {
    const { slack, imageApi } = harness;
    const from = slack.calls.length;
    imageApi.enqueue({ kind: 'status', status: 500, headers: { 'x-oneapi-request-id': '<!channel>' } });
    await harness.imagine('a paper lantern');
    const rootTs = await harness.rootOf('a paper lantern');
    const failed = await slack.waitFor(
      (call) =>
        call.method === 'chat.update' && call.args['ts'] === rootTs && String(call.args['blocks']).includes(':x:'),
    );
    await slack.waitFor((call) => call.method === 'chat.postEphemeral' && String(call.args['text']).includes('ref'));

    expect(String(failed.args['blocks'])).toContain('(ref &lt;!channel&gt;)');
    expect(postedSince(from).filter((message) => pings.test(message))).toEqual([]);
  });

  it('escapes a member’s flag in a refusal of /imagine', async () => {
    const { slack } = harness;
    const response = await harness.imagine('a fox --model &lt;!channel&gt;');
    const body = JSON.parse(response.body) as { text?: string };
    expect(body.text).toBeDefined();
    expect(body.text).not.toMatch(pings);
    expect(slack.violations).toEqual([]);
  });

  it('escapes a member’s words quoted back in the sentence an @mention gets', async () => {
    const { slack, bot } = harness;
    const from = slack.calls.length;
    const message = memberMessage(slack, { text: `<@${slack.botUserId}> a fox --model &lt;!here&gt;` });
    await bot.signer.event(eventEnvelope(slack, { ...message, type: 'app_mention' }));
    const told = await slack.waitFor(
      (call) => call.method === 'chat.postEphemeral' && String(call.args['text']).includes('!here'),
    );
    expect(String(told.args['text'])).toContain('&lt;!here&gt;');
    expect(postedSince(from).filter((text) => pings.test(text))).toEqual([]);
  });
});
