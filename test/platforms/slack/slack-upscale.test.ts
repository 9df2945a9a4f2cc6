import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlackMessage } from '../../fakes/fake-slack.js';
import { blockAction } from '../../fakes/fake-slack-payloads.js';
import { dataUrlOf, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
let rootTs: string;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a lighthouse --model gemini-3-pro --ar 16:9');
  rootTs = await harness.rootOf('a lighthouse');
  await harness.waitDone(rootTs);
});
afterAll(async () => {
  await harness?.close();
});

interface ButtonShape {
  readonly action_id?: string;
  readonly value?: string;
  readonly text?: { readonly text?: string };
  readonly confirm?: { readonly text?: { readonly text?: string } };
}

function buttonsOf(message: FakeSlackMessage | undefined): ButtonShape[] {
  const blocks = (message?.blocks ?? []) as { elements?: ButtonShape[] }[];
  return blocks.flatMap((block) => block.elements ?? []).filter((element) => element.action_id !== undefined);
}

const turnMessage = (number: number) =>
  harness.slack.thread('C1', rootTs).find((message) => message.text.startsWith(`Turn ${number}:`) && !message.deleted);

async function press(actionId: string, message: FakeSlackMessage | undefined) {
  const value = buttonsOf(message).find((button) => button.action_id === actionId)?.value;
  if (!value) throw new Error(`no ${actionId} button on ${message?.ts}`);
  const payload = blockAction(harness.slack, {
    actionId,
    value,
    user: 'U1',
    messageTs: message?.ts ?? '',
    ...(message?.threadTs ? { threadTs: message.threadTs } : {}),
  });
  const response = await harness.bot.signer.interaction(payload);
  expect(response.status).toBe(200);
}

const generations = () =>
  harness.imageApi.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/images'));

describe('Slack Upscale', () => {
  it('upscales to 2K, then to 4K behind Slack’s confirmation with the cost, each a new turn in the thread', async () => {
    const { slack } = harness;
    const first = buttonsOf(turnMessage(1));
    expect(first.find((button) => button.action_id === 'tp:upscale:0')?.text?.text).toBe('Upscale 2K');

    await press('tp:upscale:0', turnMessage(1));
    await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && String(call.args['text']).startsWith('Turn 2:'),
    );
    const twoK = generations()[1];
    expect(twoK?.body).toMatchObject({ model: 'gemini-3-pro-image-preview', size: '16:9', image_size: '2K' });
    expect(JSON.stringify(twoK?.body)).toContain(dataUrlOf(harness.generated[0] as Uint8Array));

    // At 4K one image costs 6 units: the button carries Slack's confirmation dialog, which says so.
    const second = buttonsOf(turnMessage(2));
    expect(second.some((button) => button.action_id === 'tp:upscale:0')).toBe(false);
    const costly = second.find((button) => button.action_id === 'tp:upscaleok:0');
    expect(costly?.text?.text).toBe('Upscale 4K · 6 units');
    expect(costly?.confirm?.text?.text).toBe('One image at 4K costs 6 units.');

    await press('tp:upscaleok:0', turnMessage(2));
    await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && String(call.args['text']).startsWith('Turn 3:'),
    );
    expect(generations()[2]?.body).toMatchObject({ image_size: '4K' });
    // Nothing is larger than 4K: no Upscale under the third turn.
    expect(buttonsOf(turnMessage(3)).some((button) => button.action_id?.startsWith('tp:upscale'))).toBe(false);
    expect(slack.violations).toEqual([]);
  });

  it('refuses a 4K Upscale that arrives without the confirmation, and makes no job', async () => {
    const { slack } = harness;
    const before = generations().length;
    // A press whose button had no dialog (an old message, a forged payload) is not a confirmation.
    const message = turnMessage(2);
    const value = buttonsOf(message).find((button) => button.action_id === 'tp:upscaleok:0')?.value ?? '';
    const payload = blockAction(slack, {
      actionId: 'tp:upscale:0',
      value,
      user: 'U1',
      messageTs: message?.ts ?? '',
      ...(message?.threadTs ? { threadTs: message.threadTs } : {}),
    });
    expect((await harness.bot.signer.interaction(payload)).status).toBe(200);
    // Told only the member who pressed, through the press's own response URL.
    const told = await slack.waitFor(
      (call) => call.method === 'respond' && String(call.args['text']).includes('costs 6 units'),
    );
    expect(told.path).toBe(new URL(String(payload['response_url'])).pathname);
    expect(told.args['response_type']).toBe('ephemeral');
    expect(generations()).toHaveLength(before);
    expect(slack.violations).toEqual([]);
  });
});
