import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelope, reactionAdded } from '../../fakes/fake-slack-payloads.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
let rootTs: string;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a copper bell');
  rootTs = await harness.rootOf('a copper bell');
  await harness.waitDone(rootTs);
});
afterAll(async () => {
  await harness?.close();
});

const turnMessage = (number: number) =>
  harness.slack.thread('C1', rootTs).find((message) => message.text.startsWith(`Turn ${number}:`) && !message.deleted);

async function react(reaction: string, ts: string, user: string, eventId?: string, retryNum?: number) {
  const event = eventEnvelope(harness.slack, reactionAdded({ reaction, ts, user }), eventId);
  const response = await harness.bot.signer.event(event, retryNum !== undefined ? { retryNum } : {});
  expect(response.status).toBe(200);
}

const generations = () => harness.imageApi.requests.filter((request) => request.method === 'POST');
const toldTo = (user: string) =>
  harness.slack.calls.filter(
    (call) => (call.method === 'chat.postEphemeral' && call.args['user'] === user) || call.method === 'respond',
  );

describe('Slack reactions', () => {
  it('🔁 from the member who asked rerolls the turn into its thread; a stranger’s 🔁 does nothing', async () => {
    const { slack } = harness;
    const first = turnMessage(1)?.ts ?? '';
    await react('repeat', first, 'U2');
    await react('repeat', first, 'U1', 'EvREPEAT1');
    // Slack delivering the same event again (a retry) makes no second job.
    await react('repeat', first, 'U1', 'EvREPEAT1', 1);
    await slack.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args['thread_ts'] === rootTs &&
        String(call.args['text']).startsWith('Turn 2:'),
    );
    await harness.settled();

    expect(generations()).toHaveLength(2);
    const jobs = await harness.bot.engine.store.listJobsByState(['delivered']);
    expect(jobs.map((job) => job.memberId)).toEqual(['U1', 'U1']);
    expect(jobs.filter((job) => job.action === 'reroll')).toHaveLength(1);
    expect(toldTo('U2')).toEqual([]);
  });

  it('❌ from a stranger leaves a turn; from the member who asked, or an admin, deletes it', async () => {
    const { slack } = harness;
    const second = turnMessage(2)?.ts ?? '';
    const first = turnMessage(1)?.ts ?? '';
    await react('x', second, 'U2');
    await react('x', second, 'U1');
    await slack.waitFor((call) => call.method === 'chat.delete' && call.args['ts'] === second);
    // The stranger's ❌ came first and removed nothing: only the second turn's messages went.
    expect(slack.callsOf('chat.delete').map((call) => call.args['ts'])).not.toContain(first);
    expect(turnMessage(1)?.ts).toBe(first);
    const afterSecond = slack.callsOf('chat.delete').length;

    await react('x', first, 'UADMIN');
    await slack.waitFor((call) => call.method === 'chat.delete' && call.args['ts'] === first);
    const deleted = await slack.waitForCalls('files.delete', 2);
    expect(deleted.every((call) => call.response['ok'] === true)).toBe(true);
    expect(
      slack
        .callsOf('chat.delete')
        .slice(afterSecond)
        .map((call) => call.args['ts']),
    ).toContain(first);
    expect(turnMessage(1)).toBeUndefined();
    expect(toldTo('U2')).toEqual([]);
    expect(generations()).toHaveLength(2);
  });
});
