import { afterEach, describe, expect, it } from 'vitest';
import { blockAction } from '../../fakes/fake-slack-payloads.js';
import { dataUrlOf, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('Slack after a restart', () => {
  it('keeps old threads working: a reply after a restart continues the conversation from the store', async () => {
    harness = await startSlackHarness();
    const { slack, imageApi } = harness;
    await harness.imagine('an old stone bridge');
    const rootTs = await harness.rootOf('an old stone bridge');
    await harness.waitDone(rootTs);

    await harness.restart();
    const { response } = await harness.say({ text: 'add autumn leaves', threadTs: rootTs });
    expect(response.status).toBe(200);
    const request = await imageApi.waitFor((candidate) =>
      JSON.stringify(candidate.body ?? '').includes('add autumn leaves'),
    );
    expect(JSON.stringify(request.body)).toContain(dataUrlOf(harness.generated[0] as Uint8Array));
    await slack.waitForCalls(
      'files.completeUploadExternal',
      2,
      (call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true,
    );
    await slack.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args['thread_ts'] === rootTs &&
        String(call.args['text']).startsWith('Turn 2:'),
    );
  });

  it('tells the member about a job a crash interrupted, in its thread, and runs it again on Retry', async () => {
    harness = await startSlackHarness();
    const { slack, imageApi } = harness;
    imageApi.enqueue({ kind: 'hang' });
    await harness.imagine('a comet over the sea');
    const rootTs = await harness.rootOf('a comet over the sea');
    await imageApi.waitFor((request) => JSON.stringify(request.body ?? '').includes('a comet over the sea'));

    await harness.crashAndRestart();
    await slack.waitFor(
      (call) =>
        call.method === 'chat.update' &&
        call.args['ts'] === rootTs &&
        String(call.args['blocks']).includes('Interrupted'),
    );
    const notice = await slack.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args['thread_ts'] === rootTs &&
        String(call.args['blocks']).includes('tp:retry'),
    );
    const jobId = /"action_id":"tp:retry","value":"([^"]+)"/.exec(String(notice.args['blocks']))?.[1] ?? '';
    const press = blockAction(slack, {
      actionId: 'tp:retry',
      value: jobId,
      messageTs: notice.response['ts'] as string,
      threadTs: rootTs,
    });
    expect((await harness.bot.signer.interaction(press)).status).toBe(200);

    await slack.waitForCalls(
      'files.completeUploadExternal',
      1,
      (call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true,
    );
    expect(
      imageApi.requests.filter((request) => JSON.stringify(request.body ?? '').includes('a comet over the sea')),
    ).toHaveLength(2);
  });
});
