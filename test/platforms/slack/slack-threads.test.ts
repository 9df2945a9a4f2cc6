import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fakes/fake-image-api.js';
import { eventEnvelope, memberMessage, mentionOf, nextEventId } from '../../fakes/fake-slack-payloads.js';
import { colouredPng, dataUrlOf, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
let rootTs: string;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a red boat on a lake');
  rootTs = await harness.rootOf('a red boat on a lake');
  await harness.waitDone(rootTs);
});
afterAll(async () => {
  await harness?.close();
});

const imagesSent = (request: RecordedRequest): string[] =>
  JSON.stringify(request.body).match(/data:image\/[a-z]+;base64,[A-Za-z0-9+/=]+/g) ?? [];

const uploadsInThread = (threadTs: string) =>
  harness.slack
    .callsOf('files.completeUploadExternal')
    .filter((call) => call.args['thread_ts'] === threadTs && call.response['ok'] === true);

describe('Slack thread replies', () => {
  it('continues the conversation: the edit carries the previous image and the shared file, and lands in the same thread', async () => {
    const { slack, imageApi } = harness;
    const reference = colouredPng(99);
    const file = slack.addFile(reference, { name: 'ref.png' });
    const { response } = await harness.say({ text: 'make it stormy', threadTs: rootTs, files: [file] });
    expect(response.status).toBe(200);

    const request = await imageApi.waitFor((candidate) =>
      JSON.stringify(candidate.body ?? '').includes('make it stormy'),
    );
    expect(imagesSent(request)).toEqual([dataUrlOf(harness.generated[0] as Uint8Array), dataUrlOf(reference)]);
    // The shared file was fetched with the bot token.
    const fetched = slack.callsOf('file').find((call) => call.args['fileId'] === file.id);
    expect(fetched?.headers.authorization).toBe(`Bearer ${slack.botToken}`);
    expect(fetched?.status).toBe(200);

    await slack.waitForCalls(
      'files.completeUploadExternal',
      2,
      (call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true,
    );
    // A status message in the thread (with Cancel), then marked done.
    const status = slack
      .callsOf('chat.postMessage')
      .find((call) => call.args['thread_ts'] === rootTs && String(call.args['blocks']).includes('asked for an edit'));
    expect(String(status?.args['blocks'])).toContain('make it stormy');
    await harness.waitDone(status?.response['ts'] as string);
    expect(slack.thread('C1', rootTs).some((message) => message.text.startsWith('Turn 2'))).toBe(true);
  });

  it('sends the bot token only to Slack: a file elsewhere is not fetched, a redirect away loses the header', async () => {
    const { slack, imageApi } = harness;
    const upstreamBefore = imageApi.requests.length;
    const foreign = slack.foreignFile(colouredPng(7));
    await harness.say({ text: 'use this one', threadTs: rootTs, files: [foreign] });
    await slack.waitFor(
      (call) => call.method === 'chat.postEphemeral' && String(call.args['text']).includes('hosted elsewhere'),
    );
    expect(slack.otherHostRequests).toEqual([]);
    expect(imageApi.requests).toHaveLength(upstreamBefore);

    const moved = slack.redirectingFile(colouredPng(8));
    await harness.say({ text: 'and this one', threadTs: rootTs, files: [moved] });
    await imageApi.waitFor((candidate) => JSON.stringify(candidate.body ?? '').includes('and this one'));
    const first = slack.callsOf('file').find((call) => call.args['fileId'] === moved.id);
    expect(first?.headers.authorization).toBe(`Bearer ${slack.botToken}`);
    expect(slack.otherHostRequests).toHaveLength(1);
    expect(slack.otherHostRequests[0]?.headers.authorization).toBeUndefined();
  });

  it('starts a conversation from an @mention in a channel, once, in the thread of the member message', async () => {
    const { slack, imageApi, bot } = harness;
    const message = memberMessage(slack, { text: `<@${slack.botUserId}> a paper crane --ar 1:1` });
    const ts = message['ts'] as string;
    // Slack sends both, with different event ids.
    const [first, second] = await Promise.all([
      bot.signer.event(eventEnvelope(slack, mentionOf(message))),
      bot.signer.event(eventEnvelope(slack, message)),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await slack.waitForCalls(
      'files.completeUploadExternal',
      1,
      (call) => call.args['thread_ts'] === ts && call.response['ok'] === true,
    );
    expect(
      imageApi.requests.filter((request) => JSON.stringify(request.body ?? '').includes('a paper crane')),
    ).toHaveLength(1);
    const prompt = imageApi.requests.find((request) => JSON.stringify(request.body ?? '').includes('a paper crane'))
      ?.body as Record<string, unknown>;
    expect(prompt['prompt']).toBe('a paper crane');

    // A mention inside that conversation continues it (again both events, one job).
    const reply = memberMessage(slack, { text: `<@${slack.botUserId}> now fold it blue`, threadTs: ts });
    await Promise.all([
      bot.signer.event(eventEnvelope(slack, reply)),
      bot.signer.event(eventEnvelope(slack, mentionOf(reply))),
    ]);
    await slack.waitForCalls(
      'files.completeUploadExternal',
      2,
      (call) => call.args['thread_ts'] === ts && call.response['ok'] === true,
    );
    const edits = imageApi.requests.filter((request) =>
      JSON.stringify(request.body ?? '').includes('now fold it blue'),
    );
    expect(edits).toHaveLength(1);
    expect(imagesSent(edits[0] as RecordedRequest)).toHaveLength(1);
  });

  it('starts a conversation from a message in a DM with the app', async () => {
    const { slack } = harness;
    const { event } = await harness.say({ channel: 'D1', text: 'a cosy cabin' });
    await slack.waitForCalls(
      'files.completeUploadExternal',
      1,
      (call) => call.args['channel_id'] === 'D1' && call.args['thread_ts'] === event['ts'],
    );
  });

  it('ignores chatter, other bots, edits and its own echoed posts', async () => {
    const { slack, imageApi, bot } = harness;
    const upstream = imageApi.requests.length;
    const jobs = (await bot.engine.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).length;
    const plain = memberMessage(slack, { text: 'lunch anyone?' });
    const otherBot = {
      ...memberMessage(slack, { text: 'beep', threadTs: rootTs }),
      bot_id: 'BOTHER',
      subtype: 'bot_message',
    };
    const edited = { ...memberMessage(slack, { text: 'make it green', threadTs: rootTs }), subtype: 'message_changed' };
    const self = memberMessage(slack, { text: 'my own post', threadTs: rootTs, user: slack.botUserId });
    const unrelatedThread = memberMessage(slack, { text: 'reply in another thread', threadTs: plain['ts'] as string });
    // processBeforeResponse: each answer arrives once its listener is done.
    for (const event of [plain, otherBot, edited, self, unrelatedThread]) {
      expect((await bot.signer.event(eventEnvelope(slack, event))).status).toBe(200);
    }
    expect(imageApi.requests).toHaveLength(upstream);
    expect((await bot.engine.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).length).toBe(jobs);
  });

  it('makes one job for a repeated event_id, and still processes a retry of a message never recorded', async () => {
    const { slack, imageApi, bot } = harness;
    const message = memberMessage(slack, { text: 'add a lighthouse', threadTs: rootTs });
    const envelope = eventEnvelope(slack, message, nextEventId());
    await Promise.all([bot.signer.event(envelope), bot.signer.event(envelope, { retryNum: 1 })]);
    await bot.signer.event(envelope, { retryNum: 2 });
    await imageApi.waitFor((request) => JSON.stringify(request.body ?? '').includes('add a lighthouse'));
    expect(
      imageApi.requests.filter((request) => JSON.stringify(request.body ?? '').includes('add a lighthouse')),
    ).toHaveLength(1);

    // Only the retry ever arrived (the first delivery was lost): it is processed.
    const lost = memberMessage(slack, { text: 'add gulls', threadTs: rootTs });
    const retried = await bot.signer.event(eventEnvelope(slack, lost), { retryNum: 1 });
    expect(retried.status).toBe(200);
    await imageApi.waitFor((request) => JSON.stringify(request.body ?? '').includes('add gulls'));
    // Both turns are posted and their status says Done before the next test counts Slack calls.
    for (const prompt of ['add a lighthouse', 'add gulls']) {
      await slack.waitFor(
        (call) =>
          call.method === 'chat.update' &&
          String(call.args['blocks']).includes(prompt) &&
          String(call.args['blocks']).includes('Done'),
      );
    }
  });

  it('answers 401 to a bad or stale signature and calls nothing', async () => {
    const { slack, bot } = harness;
    // Earlier tests return once the image API has their request; their deliveries may still be under way, and
    // their Slack calls must not be counted as answers to the forged requests.
    await harness.settled();
    const calls = slack.calls.length;
    const message = memberMessage(slack, { text: 'forged', threadTs: rootTs });
    const forged = await bot.signer.event(eventEnvelope(slack, message), { signature: 'v0=deadbeef' });
    const stale = await bot.signer.event(eventEnvelope(slack, message), {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect([forged.status, stale.status]).toEqual([401, 401]);
    const command = await bot.signer.post('command=%2Fimagine&text=forged', 'application/x-www-form-urlencoded', {
      signature: 'v0=00',
    });
    expect(command.status).toBe(401);
    // Earlier tests' jobs may still post; nothing posted is about the forged requests.
    const later = slack.calls.slice(calls).map((call) => JSON.stringify(call.args));
    expect(later.filter((args) => args.includes('forged') || args.includes(message['ts'] as string))).toEqual([]);
    expect(await bot.engine.findMessage('slack', 'C1', message['ts'] as string)).toBeUndefined();
  });

  it("answers Slack's signed url_verification challenge (Slack checks the request URL of a new app)", async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' });
    const response = await harness.bot.signer.post(body, 'application/json');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ challenge: 'c-123' });
  });

  it('keeps each turn in the same thread', () => {
    expect(uploadsInThread(rootTs).length).toBeGreaterThanOrEqual(3);
    expect(harness.slack.violations).toEqual([]);
  });
});
