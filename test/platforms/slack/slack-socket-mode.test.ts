import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelope, memberMessage, slashCommand } from '../../fakes/fake-slack-payloads.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  // SLACK_APP_TOKEN and no signing secret: Socket Mode.
  harness = await startSlackHarness({ bot: { env: { SLACK_APP_TOKEN: 'xapp-test', SLACK_SIGNING_SECRET: '' } } });
});
afterAll(async () => {
  await harness?.close();
});

describe('Slack over Socket Mode', () => {
  it('connects with the app token and mounts nothing on the HTTP server', async () => {
    expect(harness.bot.platform.mode).toBe('socket');
    expect(harness.slack.socket.connections()).toBe(1);
    const open = harness.slack.callsOf('apps.connections.open');
    expect(open[0]?.headers.authorization).toBe(`Bearer ${harness.slack.appToken}`);
    const response = await fetch(`${harness.bot.url}/slack/events`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
  });

  it('runs /imagine and thread replies from envelopes, acknowledged over the socket', async () => {
    const { slack, imageApi } = harness;
    const ack = await slack.socket.send('slash_commands', slashCommand(slack, { text: 'a lantern in the snow' }));
    expect(ack.payload ?? {}).toEqual({});
    const rootTs = await harness.rootOf('a lantern in the snow');
    await harness.waitDone(rootTs);

    const refused = await slack.socket.send('slash_commands', slashCommand(slack, { text: 'a lantern --n many' }));
    expect(refused.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('--n') });

    const reply = memberMessage(slack, { text: 'make it dawn', threadTs: rootTs });
    await slack.socket.send('events_api', eventEnvelope(slack, reply));
    await imageApi.waitFor((request) => JSON.stringify(request.body ?? '').includes('make it dawn'));
    await slack.waitForCalls(
      'files.completeUploadExternal',
      2,
      (call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true,
    );
  });
});
