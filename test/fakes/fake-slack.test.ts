import { existsSync } from 'node:fs';
import { verifySlackRequest, webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { signSlackBody } from './fake-slack-signer.js';
import { defaultSpecPath, loadSpecValidator } from './fake-slack-spec.js';

let slack: FakeSlack;
let client: webApi.WebClient;

beforeAll(async () => {
  slack = await startFakeSlack();
  client = new webApi.WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterAll(async () => {
  await slack.close();
});

const post = (method: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${slack.botToken}`,
      ...headers,
    },
    body,
  }).then((response) => response.json() as Promise<Record<string, unknown>>);

describe('fake Slack Web API', () => {
  it('refuses calls without the bot token, as Slack does', async () => {
    expect(await post('auth.test', '', { authorization: '' })).toMatchObject({ ok: false, error: 'not_authed' });
    expect(await post('auth.test', '', { authorization: 'Bearer xoxb-wrong' })).toMatchObject({
      ok: false,
      error: 'invalid_auth',
    });
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' });
  });

  it('checks arguments against the vendored OpenAPI spec: invalid_arguments', async () => {
    expect(existsSync(defaultSpecPath())).toBe(true);
    expect(loadSpecValidator().loaded).toBe(true);
    const missing = await post('chat.postMessage', 'text=hi');
    expect(missing).toMatchObject({ ok: false, error: 'invalid_arguments' });
    const badTs = await post('chat.delete', 'channel=C1&ts=yesterday');
    expect(badTs).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(slack.violations.some((violation) => violation.includes('chat.delete'))).toBe(true);
  });

  it("refuses Block Kit that breaks Slack's limits: invalid_blocks", async () => {
    await client.conversations.join({ channel: 'C1' });
    const blocks = [
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) }, action_id: 'a' }],
      },
    ];
    await expect(client.chat.postMessage({ channel: 'C1', text: 'hi', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
  });

  it('keeps channel membership: not_in_channel until joined; private channels cannot be joined', async () => {
    const fresh = await startFakeSlack();
    const freshClient = new webApi.WebClient(fresh.botToken, {
      slackApiUrl: fresh.apiUrl,
      retryConfig: { retries: 0 },
    });
    await expect(freshClient.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    await expect(freshClient.conversations.join({ channel: 'G1' })).rejects.toMatchObject({
      data: { error: 'method_not_supported_for_channel_type' },
    });
    await expect(freshClient.conversations.info({ channel: 'G1' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await fresh.close();
  });

  it('serves files.uploadV2 as its three calls and files the upload in the thread', async () => {
    const root = await client.chat.postMessage({ channel: 'C1', text: 'root' });
    const result = await client.filesUploadV2({
      channel_id: 'C1',
      thread_ts: root.ts as string,
      file_uploads: [{ file: Buffer.from('png-bytes'), filename: 'a.png' }],
    });
    const fileId = (result.files as Array<{ files: Array<{ id: string }> }>)[0]?.files[0]?.id as string;
    expect(slack.file(fileId)).toMatchObject({ completed: true, channel: 'C1', threadTs: root.ts });
    expect(Buffer.from(slack.file(fileId)?.bytes ?? []).toString()).toBe('png-bytes');
    expect(slack.thread('C1', root.ts as string).some((message) => message.files.includes(fileId))).toBe(true);
  });

  it('serves url_private only with the bot token', async () => {
    const file = slack.addFile(Buffer.from('secret'), { name: 'ref.png' });
    expect((await fetch(file.url_private)).status).toBe(403);
    const authorized = await fetch(file.url_private, { headers: { authorization: `Bearer ${slack.botToken}` } });
    expect(authorized.status).toBe(200);
    expect(await authorized.text()).toBe('secret');
  });

  it('plays scripted faults: a 429 with Retry-After, then an error', async () => {
    slack.rateLimitNext('chat.postMessage', 7);
    slack.failNext('chat.postMessage', 'channel_not_found');
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'b' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    expect((await client.chat.postMessage({ channel: 'C1', text: 'c' })).ok).toBe(true);
  });

  it('accepts a trigger_id once and only for 3 seconds', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    const trigger = slack.triggerId();
    expect((await client.views.open({ trigger_id: trigger, view })).ok).toBe(true);
    await expect(client.views.open({ trigger_id: trigger, view })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });
    const short = await startFakeSlack({ triggerTtlMs: 0 });
    const shortClient = new webApi.WebClient(short.botToken, {
      slackApiUrl: short.apiUrl,
      retryConfig: { retries: 0 },
    });
    const stale = short.triggerId();
    await new Promise((resolve) => setImmediate(resolve));
    await expect(shortClient.views.open({ trigger_id: stale, view })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
    await short.close();
  });

  it('records response_url posts and refuses a sixth use', async () => {
    const url = slack.responseUrl();
    const send = () =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    const statuses = [];
    for (let index = 0; index < 6; index++) statuses.push((await send()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });
});

describe('request signer', () => {
  it("signs bodies the way Bolt's verifier accepts", () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = 'command=%2Fimagine&text=hi';
    expect(() =>
      verifySlackRequest({
        signingSecret: 's3cret',
        body,
        headers: {
          'x-slack-signature': signSlackBody('s3cret', timestamp, body),
          'x-slack-request-timestamp': timestamp,
        },
      }),
    ).not.toThrow();
  });
});
