import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultChannels, defaultUsers } from '../../fakes/fake-slack-state.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness({
    slack: {
      users: [...defaultUsers, { id: 'U3', name: 'quota' }, { id: 'U4', name: 'refused' }],
      channels: defaultChannels.map((channel) =>
        channel.id === 'C1' ? { ...channel, members: [...(channel.members ?? []), 'U3', 'U4'] } : channel,
      ),
    },
    bot: { env: { QUOTA_MEMBER_PER_HOUR: '2' } },
  });
});
afterAll(async () => {
  await harness?.close();
});

const requestsFor = (fragment: string) =>
  harness.imageApi.requests.filter((request) => JSON.stringify(request.body ?? '').includes(fragment));
const logged = (code: string) => harness.bot.logs.filter((line) => line['code'] === code);

describe('Slack failures', () => {
  it('waits out a 429 during the upload, then uploads again without generating again', async () => {
    const { slack } = harness;
    slack.rateLimitNext('files.completeUploadExternal', 1);
    await harness.imagine('a windmill in fog');
    const rootTs = await harness.rootOf('a windmill in fog');
    await harness.waitDone(rootTs, 10_000);
    const completes = slack.callsOf('files.completeUploadExternal').filter((call) => call.args['thread_ts'] === rootTs);
    expect(completes.map((call) => call.status)).toEqual([429, 200]);
    expect(completes[1]!.at - completes[0]!.at).toBeGreaterThanOrEqual(950);
    expect(requestsFor('a windmill in fog')).toHaveLength(1);
    expect(harness.bot.logs.some((line) => line['code'] === 'ratelimited' && line['retryAfter'] === 1)).toBe(true);
  });

  it('posts the root message after a 429 even when the image is ready first: one root, the image in its thread', async () => {
    const { slack } = harness;
    slack.rateLimitNext('chat.postMessage', 1);
    await harness.imagine('a heron at low tide', { user: 'U2' });
    const rootTs = await harness.rootOf('a heron at low tide');
    await harness.waitDone(rootTs, 10_000);
    const upload = await slack.waitFor(
      (call) => call.method === 'files.completeUploadExternal' && call.args['thread_ts'] === rootTs,
    );
    expect(upload.response['ok']).toBe(true);
    const roots = slack
      .callsOf('chat.postMessage')
      .filter(
        (call) => call.args['thread_ts'] === undefined && String(call.args['blocks']).includes('a heron at low tide'),
      );
    expect(roots.map((call) => call.status)).toEqual([429, 200]);
    const job = (await harness.bot.engine.store.listJobsByState(['delivered'])).find(
      (candidate) => candidate.input.prompt === 'a heron at low tide',
    );
    expect(job?.delivery).toMatchObject({ threadTs: rootTs, statusTs: rootTs, rootTs });
  });

  it('retries a rate-limited status edit later without stalling uploads', async () => {
    const { slack } = harness;
    slack.rateLimitNext('chat.update', 1);
    await harness.imagine('a kite over dunes');
    const rootTs = await harness.rootOf('a kite over dunes');
    const done = await harness.waitDone(rootTs, 10_000);
    const limited = slack.callsOf('chat.update').find((call) => call.status === 429);
    const upload = slack
      .callsOf('files.completeUploadExternal')
      .find((call) => call.args['thread_ts'] === rootTs && call.status === 200);
    expect(limited).toBeDefined();
    // The upload went out while the status edit waited for its Retry-After.
    expect(upload!.at).toBeLessThan(limited!.at + 900);
    expect(done.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  it('shows a refused prompt on the root message and tells the member', async () => {
    const { slack, imageApi } = harness;
    imageApi.enqueue({ kind: 'moderation' });
    await harness.imagine('something the model refuses', { user: 'U4' });
    const rootTs = await harness.rootOf('something the model refuses');
    const failed = await slack.waitFor(
      (call) =>
        call.method === 'chat.update' &&
        call.args['ts'] === rootTs &&
        String(call.args['blocks']).includes('safety system'),
    );
    expect(String(failed.args['blocks'])).not.toContain('tp:retry');
    await slack.waitFor(
      (call) =>
        call.method === 'chat.postEphemeral' &&
        call.args['user'] === 'U4' &&
        String(call.args['text']).includes('safety system'),
    );
    await harness.bot.waitForLog(
      (line) =>
        line['code'] === 'content_rejected' &&
        String(line['msg']).startsWith('slack: member told') &&
        line['user'] === 'U4',
    );
  });

  it("tells the member when the image API rejects the operator's key", async () => {
    const { slack, imageApi } = harness;
    imageApi.enqueue({ kind: 'status', status: 401 });
    await harness.imagine('a quiet harbour', { user: 'U4' });
    const rootTs = await harness.rootOf('a quiet harbour');
    await slack.waitFor(
      (call) =>
        call.method === 'chat.update' &&
        call.args['ts'] === rootTs &&
        String(call.args['blocks']).includes('IMAGE_API_KEY'),
    );
    await slack.waitFor(
      (call) => call.method === 'chat.postEphemeral' && String(call.args['text']).includes('rejected our API key'),
    );
    await harness.bot.waitForLog(
      (line) => line['code'] === 'auth' && String(line['msg']).includes('rejected our API key'),
    );
  });

  it('refuses past the quota with the time in the member clock, and makes no job', async () => {
    for (const prompt of ['first owl', 'second owl']) {
      expect((await harness.imagine(prompt, { user: 'U3' })).body).toBe('');
    }
    const refused = JSON.parse((await harness.imagine('third owl', { user: 'U3' })).body) as { text: string };
    expect(refused.text).toMatch(/You have used 2 of 2 image units this hour/);
    expect(refused.text).toMatch(/<!date\^\d+\^\{time\}\|\d\d:\d\d UTC>/);
    expect(requestsFor('third owl')).toEqual([]);
    expect(logged('quota_exceeded')).toHaveLength(1);
  });

  it('explains missing_scope through the response_url and spends nothing', async () => {
    const { slack } = harness;
    // Only this request's root post is refused: an earlier test's job still finishing posts too (on a shared queue).
    slack.failNext('chat.postMessage', 'missing_scope', { needed: 'chat:write.public', provided: 'commands' }, (args) =>
      String(args['text']).includes('a lantern festival'),
    );
    // The job starts while its root message is being posted: the image API is slow here, so the cancel that follows
    // the refused post always finds the call still running (which of two round trips ends first is not the point).
    harness.imageApi.setLatency(5_000);
    await harness.imagine('a lantern festival', { user: 'U2' });
    await slack.waitFor(
      (call) => call.method === 'respond' && String(call.args['text']).includes('`chat:write.public`'),
    );
    await harness.bot.waitForLog((line) => line['code'] === 'slack_missing_scope' && line['told'] === 'response_url');
    const job = await vi.waitFor(async () => {
      const cancelled = (await harness.bot.engine.store.listJobsByState(['cancelled'])).find(
        (candidate) => candidate.input.prompt === 'a lantern festival',
      );
      expect(cancelled).toBeDefined();
      return cancelled;
    });
    harness.imageApi.setLatency(0);
    expect(job?.state).toBe('cancelled');
    expect(
      slack
        .callsOf('files.completeUploadExternal')
        .some((call) => String(call.args['files']).includes('a lantern festival')),
    ).toBe(false);
  });

  it('says why it cannot post in a direct message it is not part of', async () => {
    const response = await harness.imagine('a private joke', { channel: 'D9', user: 'U2' });
    expect(JSON.parse(response.body).text).toContain("I can't post in this direct message");
    expect(logged('channel_not_found')).toHaveLength(1);
  });
});
