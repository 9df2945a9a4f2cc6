import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appHomeOpened, eventEnvelope, homeAction } from '../../fakes/fake-slack-payloads.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a velvet moth');
  await harness.waitDone(await harness.rootOf('a velvet moth'));
});
afterAll(async () => {
  await harness?.close();
});

/** Opens the member's Home tab and resolves to the view published for it, as text. */
async function openHome(user: string): Promise<string> {
  const published = harness.slack.callsOf('views.publish').length;
  const response = await harness.bot.signer.event(eventEnvelope(harness.slack, appHomeOpened({ user })));
  expect(response.status).toBe(200);
  const call = await harness.slack.waitForCalls('views.publish', published + 1);
  return publishedFor(call.at(-1), user);
}

function publishedFor(
  call: { args: Record<string, unknown>; response: Record<string, unknown> } | undefined,
  user: string,
) {
  expect(call?.args['user_id']).toBe(user);
  expect(call?.response['ok']).toBe(true);
  return JSON.stringify(harness.slack.homeViews.get(user));
}

/** The model buttons of a published Home tab, with their action ids, values and whether each is the chosen one. */
function modelButtons(user: string) {
  const view = harness.slack.homeViews.get(user) as {
    blocks: { block_id?: string; elements?: Record<string, unknown>[] }[];
  };
  return view.blocks.find((block) => block.block_id === 'home_model')?.elements ?? [];
}

describe('Slack App Home', () => {
  it('shows the member their recent results, usage against the quota and defaults; nobody else’s', async () => {
    const mine = await openHome('U1');
    expect(mine).toContain('Your recent results');
    expect(mine).toContain('a velvet moth');
    expect(mine).toContain('<#C1>');
    expect(mine).toMatch(/Your usage\* \(image units\): \d/);
    expect(mine).toContain('Your defaults');
    expect(harness.slack.violations).toEqual([]);

    const theirs = await openHome('U2');
    expect(theirs).not.toContain('a velvet moth');
    expect(theirs).toContain('Nothing yet');
  });

  it('changes the member’s default model from its buttons, and the next /imagine uses it', async () => {
    const { slack, bot, imageApi } = harness;
    await openHome('U1');
    const gpt = modelButtons('U1').find((button) => button['value'] === 'gpt-image-1');
    expect(gpt).toBeDefined();
    expect(gpt?.['style']).toBeUndefined();
    const published = slack.callsOf('views.publish').length;

    const response = await bot.signer.interaction(
      homeAction(slack, { actionId: String(gpt?.['action_id']), value: 'gpt-image-1' }),
    );
    expect(response.status).toBe(200);
    const calls = await slack.waitForCalls('views.publish', published + 1);
    const shown = publishedFor(calls.at(-1), 'U1');

    expect(shown).toContain('model `gpt-image-1`');
    expect(modelButtons('U1').find((button) => button['value'] === 'gpt-image-1')?.['style']).toBe('primary');
    const settings = await bot.engine.settings({ platform: 'slack', workspaceId: slack.teamId, memberId: 'U1' });
    expect(settings.member.defaultModel).toBe('gpt-image-1');

    await harness.imagine('a paper lantern');
    const request = await imageApi.waitFor((candidate) =>
      JSON.stringify(candidate.body ?? '').includes('a paper lantern'),
    );
    expect((request.body as { model?: string }).model).toBe('gpt-image-1');
    expect(slack.violations).toEqual([]);
  });
});
