import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngClaimingSize } from '../../images/image-fixtures.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

/** A bad answer of the image API is a failure the member is told about: never stored, billed as delivered or posted. */
let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});
afterAll(async () => {
  await harness?.close();
});

const unusable = 'The image service sent back something that is not a usable image. Please try again.';

describe('Slack: an answer that is not a usable image', () => {
  it('tells the member about a PNG claiming 40000×40000 pixels, fails the job and uploads nothing', async () => {
    const { slack, imageApi } = harness;
    imageApi.enqueue({ kind: 'b64-of-size', bytes: pngClaimingSize(40_000, 40_000) });
    await harness.imagine('a bomb in a png');
    const rootTs = await harness.rootOf('a bomb in a png');

    const failed = await slack.waitFor(
      (call) =>
        call.method === 'chat.update' && call.args['ts'] === rootTs && String(call.args['blocks']).includes(unusable),
    );
    // Offered for Retry: the next answer may well be fine.
    expect(String(failed.args['blocks'])).toContain('tp:retry');
    await slack.waitFor(
      (call) =>
        call.method === 'chat.postEphemeral' &&
        call.args['user'] === 'U1' &&
        String(call.args['text']).includes(unusable),
    );
    const [job] = (await harness.bot.engine.store.listJobsByState(['failed'])).filter(
      (candidate) => candidate.input.prompt === 'a bomb in a png',
    );
    expect(job?.error).toMatchObject({ code: 'invalid_response', retryable: true });
    const turn = await harness.bot.engine.store.getTurn(job?.turnId ?? '');
    expect(turn?.outputImages).toEqual([]);
    expect(slack.callsOf('files.completeUploadExternal').filter((call) => call.args['thread_ts'] === rootTs)).toEqual(
      [],
    );
    const [usage] = await harness.bot.engine.store.usageSummary({ platform: 'slack', workspaceId: 'T1', since: 0 });
    expect(usage).toMatchObject({ model: 'gemini-2.5-flash-image', images: 0, calls: 1 });
    await harness.bot.waitForLog(
      (line) =>
        line['code'] === 'invalid_response' && String(line['msg']) === 'job failed' && line['jobId'] === job?.id,
    );
  });
});
