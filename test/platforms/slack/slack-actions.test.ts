import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlackMessage } from '../../fakes/fake-slack.js';
import { blockAction, viewSubmission } from '../../fakes/fake-slack-payloads.js';
import { dataUrlOf, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
let rootTs: string;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a glass teapot');
  rootTs = await harness.rootOf('a glass teapot');
  await harness.waitDone(rootTs);
});
afterAll(async () => {
  await harness?.close();
});

/** The `value` of a button on a message (a turn id or a job id). */
function buttonValue(message: FakeSlackMessage | undefined, actionId: string): string {
  const found = JSON.stringify(message?.blocks ?? []).match(new RegExp(`"action_id":"${actionId}","value":"([^"]+)"`));
  if (!found?.[1]) throw new Error(`no ${actionId} button on ${message?.ts}`);
  return found[1];
}

const turnMessage = (number: number) =>
  harness.slack.thread('C1', rootTs).find((message) => message.text.startsWith(`Turn ${number}:`) && !message.deleted);

async function press(actionId: string, message: FakeSlackMessage | undefined, user = 'U1') {
  const value = buttonValue(message, actionId);
  const payload = blockAction(harness.slack, {
    actionId,
    value,
    user,
    messageTs: message?.ts ?? '',
    ...(message?.threadTs ? { threadTs: message.threadTs } : {}),
  });
  const response = await harness.bot.signer.interaction(payload);
  expect(response.status).toBe(200);
  return payload;
}

const completedUploads = () =>
  harness.slack
    .callsOf('files.completeUploadExternal')
    .filter((call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true);

describe('Slack buttons', () => {
  it('rerolls a turn as a new turn in the thread', async () => {
    const { slack, imageApi } = harness;
    await press('tp:reroll', turnMessage(1));
    await slack.waitForCalls(
      'files.completeUploadExternal',
      2,
      (call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true,
    );
    await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && String(call.args['text']).startsWith('Turn 2:'),
    );
    const prompts = imageApi.requests.map((request) => (request.body as { prompt?: string })?.prompt);
    expect(prompts.filter((prompt) => prompt === 'a glass teapot')).toHaveLength(2);
  });

  it('makes variations of the picked image', async () => {
    const { slack, imageApi } = harness;
    await press('tp:variations:0', turnMessage(1));
    const request = await imageApi.waitFor((candidate) =>
      JSON.stringify(candidate.body ?? '').includes(dataUrlOf(harness.generated[0] as Uint8Array)),
    );
    expect(JSON.stringify(request.body)).toContain('a glass teapot');
    await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && String(call.args['text']).startsWith('Turn 3:'),
    );
  });

  it('opens the Edit modal at once and runs its instruction as an edit of that turn', async () => {
    const { slack, imageApi, bot } = harness;
    const turn = turnMessage(1);
    await press('tp:edit', turn);
    const open = await slack.waitFor((call) => call.method === 'views.open');
    expect(open.response['ok']).toBe(true);
    const view = slack.views.at(-1);
    expect(JSON.parse(String(view?.view['private_metadata']))).toMatchObject({
      turn: buttonValue(turn, 'tp:edit'),
      channel: 'C1',
      thread: rootTs,
    });

    const refused = await bot.signer.interaction(
      viewSubmission(slack, { viewId: view?.id ?? '', values: { instruction: { instruction: 'brighter --wings 2' } } }),
    );
    expect(JSON.parse(refused.body)).toMatchObject({
      response_action: 'errors',
      errors: { instruction: expect.stringContaining('--wings') },
    });

    const accepted = await bot.signer.interaction(
      viewSubmission(slack, { viewId: view?.id ?? '', values: { instruction: { instruction: 'make the tea green' } } }),
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toBe('');
    const request = await imageApi.waitFor((candidate) =>
      JSON.stringify(candidate.body ?? '').includes('make the tea green'),
    );
    expect(JSON.stringify(request.body)).toContain(dataUrlOf(harness.generated[0] as Uint8Array));
    await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && String(call.args['text']).startsWith('Turn 4:'),
    );
  });

  it('lets only the requester or a workspace admin delete a turn, removing its files and messages', async () => {
    const { slack } = harness;
    const first = turnMessage(1);
    const refusal = await press('tp:delete', first, 'U2');
    await slack.waitFor(
      (call) => call.method === 'respond' && String(call.args['text']).includes('Only the member who asked'),
    );
    expect(slack.callsOf('users.info').map((call) => call.args['user'])).toContain('U2');
    expect(refusal.response_url).toBeDefined();
    expect(slack.callsOf('files.delete')).toEqual([]);

    await press('tp:delete', first, 'UADMIN');
    await slack.waitFor((call) => call.method === 'chat.delete' && call.args['ts'] === first?.ts);
    const deletedFiles = await slack.waitForCalls('files.delete', 1);
    expect(slack.file(String(deletedFiles[0]?.args['file']))?.deleted).toBe(true);
    // The root anchors the thread: kept, marked deleted.
    await slack.waitFor(
      (call) =>
        call.method === 'chat.update' &&
        call.args['ts'] === rootTs &&
        String(call.args['text']).includes('Deleted by <@UADMIN>'),
    );

    const usersInfo = slack.callsOf('users.info').length;
    const second = turnMessage(2);
    await press('tp:delete', second, 'U1');
    await slack.waitFor((call) => call.method === 'chat.delete' && call.args['ts'] === second?.ts);
    expect(slack.callsOf('users.info')).toHaveLength(usersInfo);
  });

  it('posts again from stored bytes when posting failed (not_in_channel), without generating again', async () => {
    const { slack, imageApi } = harness;
    const upstream = imageApi.requests.length;
    const uploads = completedUploads().length;
    slack.failNext('files.completeUploadExternal', 'not_in_channel');
    await press('tp:reroll', turnMessage(4));
    const status = await slack.waitFor(
      (call) => call.method === 'chat.update' && String(call.args['blocks']).includes('could not be posted'),
    );
    expect(String(status.args['blocks'])).toContain("I'm not a member of this channel");
    await slack.waitFor(
      (call) =>
        call.method === 'chat.postEphemeral' && String(call.args['text']).includes("I'm not a member of this channel"),
    );
    expect(imageApi.requests).toHaveLength(upstream + 1);

    const statusMessage = slack.message('C1', status.args['ts'] as string);
    await press('tp:redeliver', statusMessage);
    await slack.waitForCalls(
      'files.completeUploadExternal',
      uploads + 1,
      (call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true,
    );
    await harness.waitDone(status.args['ts'] as string);
    expect(imageApi.requests).toHaveLength(upstream + 1);
    expect(
      harness.bot.logs.some((line) => line['code'] === 'slack_not_in_channel' && line['jobId'] !== undefined),
    ).toBe(true);
  });

  it('answers a button from an older version, or one of its own with a value it never made, with a sentence', async () => {
    const { slack, imageApi, bot } = harness;
    const upstream = imageApi.requests.length;
    for (const [actionId, value] of [
      ['click_me', 'anything'],
      ['tp:reroll', 'not a turn id!'],
    ] as const) {
      const payload = blockAction(slack, { actionId, value, messageTs: rootTs });
      expect((await bot.signer.interaction(payload)).status).toBe(200);
      const told = await slack.waitFor(
        (call) => call.method === 'respond' && call.path === new URL(String(payload['response_url'])).pathname,
      );
      expect(told.args['text']).toBe(
        'This button comes from an older version of threadpaint and no longer works. Use `/imagine` to start again.',
      );
    }
    expect(imageApi.requests).toHaveLength(upstream);
  });
});
