import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockAction } from '../../fakes/fake-slack-payloads.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness();
});
afterAll(async () => {
  await harness?.close();
});

const ephemeralText = (body: string) => JSON.parse(body) as { response_type: string; text: string };

describe('/imagine on Slack', () => {
  it('acks at once, posts a root message, uploads the image into its thread and marks it done', async () => {
    const { slack } = harness;
    const response = await harness.imagine('a lighthouse at dusk --ar 16:9');
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    expect(response.ms).toBeLessThan(1000);

    const rootTs = await harness.rootOf('a lighthouse at dusk');
    // The bot was not in #general yet: it joined before the job (and before posting).
    const join = slack.callsOf('conversations.join')[0];
    const root = slack.callsOf('chat.postMessage').find((call) => call.response['ts'] === rootTs);
    expect(join?.args['channel']).toBe('C1');
    expect(join!.at).toBeLessThan(root!.at);
    const blocks = String(root?.args['blocks']);
    expect(blocks).toContain('<@U1> asked for');
    expect(blocks).toContain('a lighthouse at dusk');
    expect(blocks).toContain('gemini-2.5-flash-image · --ar 16:9');
    expect(blocks).toContain('tp:cancel');

    const done = await harness.waitDone(rootTs);
    expect(String(done.args['blocks'])).not.toContain('tp:cancel');
    // Once done, the root carries the first turn's actions too.
    for (const action of ['tp:reroll', 'tp:variations:0', 'tp:edit', 'tp:delete'])
      expect(String(done.args['blocks'])).toContain(action);
    const complete = await slack.waitFor(
      (call) => call.method === 'files.completeUploadExternal' && call.response['ok'] === true,
    );
    expect(complete.args['channel_id']).toBe('C1');
    expect(complete.args['thread_ts']).toBe(rootTs);
    const [getUrl] = slack.callsOf('files.getUploadURLExternal');
    const [upload] = slack.callsOf('upload');
    expect(getUrl?.response['ok']).toBe(true);
    expect(upload?.status).toBe(200);
    expect(getUrl!.at).toBeLessThan(upload!.at);
    expect(upload!.at).toBeLessThan(complete.at);
    const fileId = getUrl?.response['file_id'] as string;
    expect(Buffer.from(slack.file(fileId)?.bytes ?? []).equals(Buffer.from(harness.generated[0] ?? []))).toBe(true);

    const turn = slack.thread('C1', rootTs).find((message) => message.text.startsWith('Turn 1'));
    const turnBlocks = JSON.stringify(turn?.blocks);
    for (const action of ['tp:reroll', 'tp:variations:0', 'tp:edit', 'tp:delete']) expect(turnBlocks).toContain(action);
    // One edit per state change: started, then done (the root was posted already generating).
    const edits = slack.callsOf('chat.update').filter((call) => call.args['ts'] === rootTs);
    expect(edits.length).toBeLessThanOrEqual(2);
    expect(slack.violations).toEqual([]);
  });

  it('explains invalid input in an ephemeral answer and makes no job', async () => {
    const { slack, imageApi } = harness;
    const before = { posts: slack.callsOf('chat.postMessage').length, upstream: imageApi.requests.length };
    const response = await harness.imagine('a cat --model dall-e-9');
    expect(response.status).toBe(200);
    const answer = ephemeralText(response.body);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain('Unknown model `dall-e-9`');
    const flag = ephemeralText((await harness.imagine('a cat --wings 2')).body);
    expect(flag.text).toContain('Unknown flag `--wings`');
    expect(slack.callsOf('chat.postMessage')).toHaveLength(before.posts);
    expect(imageApi.requests).toHaveLength(before.upstream);
  });

  it('answers help, models, settings and usage only when the text is exactly the keyword', async () => {
    const help = ephemeralText((await harness.imagine('help')).body);
    expect(help.text).toContain('--ar <aspect>');
    const models = ephemeralText((await harness.imagine('models')).body);
    expect(models.text).toContain('`gpt-image-1`');
    expect(models.text).toContain('*(your default)*');

    const saved = ephemeralText((await harness.imagine('settings model seedream', { user: 'U2' })).body);
    expect(saved.text).toMatch(/Saved\. Your defaults: model `doubao-seedream/);
    const shown = ephemeralText((await harness.imagine('settings', { user: 'U2' })).body);
    expect(shown.text).toContain('Your defaults: model `doubao-seedream');
    const refused = ephemeralText((await harness.imagine('settings workspace model gpt-image-1', { user: 'U2' })).body);
    expect(refused.text).toContain('Only workspace admins');
    const admin = ephemeralText((await harness.imagine('settings workspace quality high', { user: 'UADMIN' })).body);
    expect(admin.text).toContain('Workspace defaults: quality high');
    const usage = ephemeralText((await harness.imagine('usage')).body);
    expect(usage.text).toMatch(/Your usage\* \(image units\): 1 of 60 in the last hour/);

    // Not exactly a keyword: a prompt.
    expect((await harness.imagine('models on a runway')).body).toBe('');
    const rootTs = await harness.rootOf('models on a runway');
    await harness.waitDone(rootTs);
  });

  it('asks to be invited in a private channel it is not in, and makes no job', async () => {
    const { slack } = harness;
    const response = await harness.imagine('a secret garden', { channel: 'G1', user: 'U1' });
    expect(ephemeralText(response.body).text).toContain('/invite @threadpaint');
    expect(slack.callsOf('conversations.join').filter((call) => call.args['channel'] === 'G1')).toEqual([]);
    expect(slack.callsOf('chat.postMessage').some((call) => call.args['channel'] === 'G1')).toBe(false);
  });

  it('cancels a running job from the root message', async () => {
    const { slack, imageApi } = harness;
    imageApi.setLatency(3_000);
    try {
      await harness.imagine('a slow sunrise', { user: 'U2' });
      const rootTs = await harness.rootOf('a slow sunrise');
      await imageApi.waitFor((request) => JSON.stringify(request.body ?? '').includes('a slow sunrise'));
      const job = (await harness.bot.engine.store.listJobsByState(['running']))[0];
      const press = blockAction(slack, { actionId: 'tp:cancel', value: job?.id ?? '', user: 'U2', messageTs: rootTs });
      expect((await harness.bot.signer.interaction(press)).status).toBe(200);
      await slack.waitFor(
        (call) =>
          call.method === 'chat.update' &&
          call.args['ts'] === rootTs &&
          String(call.args['blocks']).includes('Cancelled'),
      );
      expect(slack.callsOf('files.completeUploadExternal').some((call) => call.args['thread_ts'] === rootTs)).toBe(
        false,
      );
    } finally {
      imageApi.setLatency(0);
    }
  });
});
