import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlackMessage } from '../../fakes/fake-slack.js';
import { blockAction } from '../../fakes/fake-slack-payloads.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
let rootTs: string;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a copper kettle');
  rootTs = await harness.rootOf('a copper kettle');
  await harness.waitDone(rootTs);
});
afterAll(async () => {
  await harness?.close();
});

async function press(actionId: string, message: FakeSlackMessage | undefined): Promise<void> {
  const value = JSON.stringify(message?.blocks ?? []).match(new RegExp(`"action_id":"${actionId}","value":"([^"]+)"`));
  if (!value?.[1]) throw new Error(`no ${actionId} button on ${message?.ts}`);
  const payload = blockAction(harness.slack, {
    actionId,
    value: value[1],
    user: 'U1',
    messageTs: message?.ts ?? '',
    ...(message?.threadTs ? { threadTs: message.threadTs } : {}),
  });
  expect((await harness.bot.signer.interaction(payload)).status).toBe(200);
}

const uploadedIn = (threadTs: string) =>
  harness.slack
    .callsOf('files.completeUploadExternal')
    .filter((call) => call.args['thread_ts'] === threadTs && call.response['ok'] === true);

describe('Slack: a result whose images were uploaded but whose turn message failed', () => {
  it('is posted again without uploading twice, and Delete removes the files of that first upload', async () => {
    const { slack, imageApi } = harness;
    const turnOne = slack.thread('C1', rootTs).find((message) => message.text.startsWith('Turn 1:'));
    await press('tp:reroll', turnOne);
    const status = await slack.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args['thread_ts'] === rootTs &&
        String(call.args['blocks']).includes('asked for a reroll'),
    );
    // The next post after the status is the turn message under the uploaded images.
    slack.failNext('chat.postMessage', 'msg_too_long');
    const failed = await slack.waitFor(
      (call) => call.method === 'chat.update' && String(call.args['blocks']).includes('could not be posted'),
    );
    expect(failed.args['ts']).toBe(status.response['ts']);
    const uploads = uploadedIn(rootTs).length;
    const upstream = imageApi.requests.length;
    const firstUpload = JSON.parse(String(uploadedIn(rootTs).at(-1)?.args['files'])) as { id: string }[];

    await press('tp:redeliver', slack.message('C1', status.response['ts'] as string));
    const turnTwo = await slack.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        String(call.args['text']).startsWith('Turn 2:') &&
        call.response['ok'] === true,
    );
    await harness.waitDone(status.response['ts'] as string);
    expect(uploadedIn(rootTs)).toHaveLength(uploads);
    expect(imageApi.requests).toHaveLength(upstream);

    await press('tp:delete', slack.message('C1', turnTwo.response['ts'] as string));
    const deleted = await slack.waitForCalls('files.delete', firstUpload.length);
    expect(deleted.map((call) => call.args['file']).sort()).toEqual(firstUpload.map((file) => file.id).sort());
    await slack.waitFor((call) => call.method === 'chat.delete' && call.args['ts'] === turnTwo.response['ts']);
  });
});
