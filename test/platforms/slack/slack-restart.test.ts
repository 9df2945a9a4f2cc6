import { afterEach, describe, expect, it, vi } from 'vitest';
import { blockAction } from '../../fakes/fake-slack-payloads.js';
import { httpRequest } from '../../support/http-request.js';
import { scaledMode } from '../../support/scaled-mode.js';
import { dataUrlOf, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness | undefined;
/**
 * On Redis a restarted process cannot tell a crashed holder from a slow one: a crashed process's job waits for its
 * lock to lapse (15 s) and the stalled check, so the tests of a crash's timing run on the in-process queue only;
 * test/scale/gateway-workers.test.ts proves that path with a SIGKILLed worker.
 */
const itLocal = scaledMode ? it.skip : it;

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

  itLocal('tells the member about a job a crash interrupted, in its thread, and runs it again on Retry', async () => {
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

  itLocal(
    'is delivered, and its status kept, by an outbound-only platform that never mounted a receiver, from stored ids alone',
    async () => {
      harness = await startSlackHarness();
      const { slack, imageApi } = harness;
      imageApi.enqueue({ kind: 'hang' });
      await harness.imagine('a comet over the sea');
      await imageApi.waitFor((request) => JSON.stringify(request.body ?? '').includes('a comet over the sea'));
      // The member's second request waits behind the first; its root message is posted all the same.
      await harness.imagine('a quiet pier');
      const rootTs = await harness.rootOf('a quiet pier');
      // What the worker will have: the ids stored on the job, nothing else.
      await vi.waitFor(async () => {
        const [waiting] = (await harness?.bot.engine.store.listJobsByState(['queued'])) ?? [];
        expect(waiting?.delivery).toMatchObject({ statusTs: rootTs, threadTs: rootTs });
      });

      await harness.crashAndRestart({ outboundOnly: true, echo: false });
      await harness.waitDone(rootTs);
      expect(
        slack
          .callsOf('files.completeUploadExternal')
          .filter((call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true),
      ).toHaveLength(1);
      const interrupted = await harness.rootOf('a comet over the sea');
      await slack.waitFor(
        (call) =>
          call.method === 'chat.update' &&
          call.args['ts'] === interrupted &&
          String(call.args['blocks']).includes('Interrupted'),
      );
      // Nothing answers Slack's events in this process.
      const events = await httpRequest(`${harness.bot.url}/slack/events`, { method: 'POST', body: '{}' });
      expect(events.status).toBe(404);
      expect(harness.bot.platform.health()).toEqual({ connected: true, detail: 'outbound only (Web API)' });
    },
  );
});
