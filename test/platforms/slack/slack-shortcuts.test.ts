import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalShortcut, messageShortcut, viewSubmission } from '../../fakes/fake-slack-payloads.js';
import { colouredPng, dataUrlOf, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});
afterAll(async () => {
  await harness?.close();
});

/** Waits for the `views.open` after `opened` earlier ones, and resolves to the opened view's id. */
async function nextView(opened: number): Promise<string> {
  const calls = await harness.slack.waitForCalls('views.open', opened + 1);
  expect(calls.at(-1)?.response['ok']).toBe(true);
  return harness.slack.views.at(-1)?.id ?? '';
}

describe('Slack shortcuts', () => {
  it('Edit with threadpaint on a member’s message with an image starts a conversation in its thread', async () => {
    const { slack, bot, imageApi } = harness;
    const picture = colouredPng(91);
    const file = slack.addFile(picture, { name: 'cat.png' });
    const ts = slack.postAsMember({ channel: 'C1', user: 'U2', text: 'my cat', files: [file.id] });
    const opened = slack.callsOf('views.open').length;

    const response = await bot.signer.interaction(
      messageShortcut(slack, { callbackId: 'tp:edit_message', messageTs: ts }),
    );
    expect(response.status).toBe(200);
    const viewId = await nextView(opened);
    expect(slack.views.at(-1)?.view['title']).toMatchObject({ text: 'Edit image' });

    const submitted = await bot.signer.interaction(
      viewSubmission(slack, { viewId, values: { instruction: { instruction: 'give the cat a hat' } } }),
    );
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBe('');
    const request = await imageApi.waitFor((candidate) =>
      JSON.stringify(candidate.body ?? '').includes('give the cat a hat'),
    );
    expect(JSON.stringify(request.body)).toContain(dataUrlOf(picture));
    const turn = await slack.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args['thread_ts'] === ts &&
        String(call.args['text']).startsWith('Turn 1:') &&
        call.response['ok'] === true,
    );
    expect(turn.args['channel']).toBe('C1');
    const conversation = await bot.engine.findConversation({
      platform: 'slack',
      workspaceId: slack.teamId,
      channelId: 'C1',
      threadId: ts,
    });
    expect(conversation).toBeDefined();
    await harness.settled();
  });

  it('tells the member when the message has no image, and opens nothing', async () => {
    const { slack, bot } = harness;
    const ts = slack.postAsMember({ channel: 'C1', user: 'U1', text: 'just words' });
    const opened = slack.callsOf('views.open').length;
    await bot.signer.interaction(messageShortcut(slack, { callbackId: 'tp:edit_message', messageTs: ts }));
    await slack.waitFor(
      (call) => call.method === 'respond' && String(call.args['text']).includes('That message has no image to edit.'),
    );
    expect(slack.callsOf('views.open')).toHaveLength(opened);
  });

  it('Imagine from the shortcuts menu posts into the member’s DM with the chosen model, aspect and count', async () => {
    const { slack, bot, imageApi } = harness;
    const opened = slack.callsOf('views.open').length;
    await bot.signer.interaction(globalShortcut(slack, { callbackId: 'tp:imagine' }));
    const viewId = await nextView(opened);
    const view = JSON.stringify(slack.views.at(-1)?.view);
    expect(view).toContain('gpt-image-1');
    expect(view).toContain('conversations_select');

    const refused = await bot.signer.interaction(
      viewSubmission(slack, { viewId, values: { prompt: { prompt: 'a kite --wings 2' } } }),
    );
    expect(JSON.parse(refused.body)).toMatchObject({
      response_action: 'errors',
      errors: { prompt: expect.stringContaining('--wings') },
    });

    const accepted = await bot.signer.interaction(
      viewSubmission(slack, {
        viewId,
        values: { prompt: { prompt: 'a red kite over dunes' } },
        rawValues: {
          model: { model: { type: 'static_select', selected_option: { value: 'gpt-image-1' } } },
          aspect: { aspect: { type: 'static_select', selected_option: { value: '3:2' } } },
          count: { count: { type: 'static_select', selected_option: { value: '2' } } },
          destination: { destination: { type: 'conversations_select', selected_conversation: null } },
        },
      }),
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toBe('');
    const request = await imageApi.waitFor((candidate) =>
      JSON.stringify(candidate.body ?? '').includes('a red kite over dunes'),
    );
    expect(request.body).toMatchObject({ model: 'gpt-image-1', n: 2, size: '1536x1024' });
    const dm = await slack.waitFor((call) => call.method === 'conversations.open' && call.response['ok'] === true);
    const channel = (dm.response['channel'] as { id: string }).id;
    expect(channel).toBe('D1');
    const root = await slack.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args['channel'] === channel &&
        String(call.args['blocks'] ?? '').includes('a red kite over dunes'),
    );
    expect(root.response['ok']).toBe(true);
    await harness.settled();
    expect(slack.violations).toEqual([]);
  });
});
