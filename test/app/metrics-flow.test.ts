import { describe, expect, it, vi } from 'vitest';
import { slashCommand } from '../fakes/fake-slack-payloads.js';
import { createSlackSigner } from '../fakes/fake-slack-signer.js';
import { httpRequest } from '../support/http-request.js';
import { appRunFixture } from './app-run.js';

const run = appRunFixture('threadpaint-metrics');

const secrets = {
  IMAGE_API_KEY: 'sk-metrics-4f9a7c2e81d04b6f9e3a',
  PLAYGROUND_TOKEN: 'playground-7d3e9a1c5b2f4e6a8c0d',
  SLACK_BOT_TOKEN: 'xoxb-1111111111-2222222222-metricsmetrics',
  SLACK_SIGNING_SECRET: 'signing-5e8b1d4a7c0f3e6b9d2a5c8f',
};

/** One sample of the exposition text: `name{labels} value`, labels matched as given (any order, any others). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('/metrics after a full flow', () => {
  it('counts jobs, time, upstream calls and errors, retries, bytes, platform calls, acks, quotas and spend', async () => {
    const { app, imageApi, slack } = await run.startWithSlackAndPlayground(secrets, {
      // Three Flash images an hour: the fourth request of the member is refused.
      QUOTA_MEMBER_PER_HOUR: '3',
    });
    const url = await app.up;
    const scrape = async () => {
      const answer = await httpRequest(`${url}/metrics`);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      return answer.body;
    };
    const before = await scrape();
    expect(sample(before, 'threadpaint_jobs_total')).toBeUndefined();
    // The process's own metrics are there from the start.
    expect(sample(before, 'threadpaint_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(before, 'threadpaint_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    const headers = {
      'content-type': 'application/json',
      origin: url,
      authorization: `Bearer ${secrets.PLAYGROUND_TOKEN}`,
    };
    const submit = async (text: string) =>
      httpRequest(`${url}/api/submit`, { method: 'POST', headers, body: JSON.stringify({ text }) });
    const settled = async (outcome: string, platform: string, count: number) =>
      vi.waitFor(
        async () => expect(sample(await scrape(), 'threadpaint_jobs_total', { outcome, platform })).toBe(count),
        { timeout: 20_000, interval: 100 },
      );

    // A playground job that is rate limited once (Retry-After: 0) and then made.
    imageApi.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    expect((await submit('a lighthouse at dusk')).status).toBe(200);
    await settled('delivered', 'local', 1);
    // A job the image API fails.
    imageApi.enqueue({ kind: 'status', status: 500 });
    expect((await submit('a storm at sea')).status).toBe(200);
    await settled('failed', 'local', 1);
    // A Slack /imagine, acknowledged over HTTP and posted through the Web API.
    const signer = createSlackSigner({ url: `${url}/slack/events`, secret: secrets.SLACK_SIGNING_SECRET });
    expect((await signer.command(slashCommand(slack, { text: 'a red fox in the snow' }))).status).toBe(200);
    await settled('delivered', 'slack', 1);
    // The playground member has used 2 units (the failed call was billed): 2 more are refused by the quota.
    const refused = await submit('two owls --n 2');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/You have used 2 of 3 image units this hour; this request needs 2/);

    const text = await scrape();
    if (process.env['SHOW_METRICS']) process.stderr.write(text);
    const model = { model: 'gemini-2.5-flash-image' };
    expect(sample(text, 'threadpaint_jobs_total', { outcome: 'delivered', platform: 'local', ...model })).toBe(1);
    expect(sample(text, 'threadpaint_job_duration_seconds_count', { platform: 'local', ...model })).toBe(1);
    expect(sample(text, 'threadpaint_job_duration_seconds_count', { platform: 'slack', ...model })).toBe(1);
    expect(sample(text, 'threadpaint_job_duration_seconds_bucket', { platform: 'slack', le: '+Inf' })).toBe(1);
    expect(sample(text, 'threadpaint_queue_wait_seconds_count', { platform: 'local' })).toBe(2);
    // Three calls succeeded or failed, one of them sent twice: four requests, two errors, one retry.
    expect(sample(text, 'threadpaint_upstream_requests_total', model)).toBe(4);
    expect(sample(text, 'threadpaint_upstream_errors_total', { code: 'rate_limited' })).toBe(1);
    expect(sample(text, 'threadpaint_upstream_errors_total', { code: 'upstream' })).toBe(1);
    expect(sample(text, 'threadpaint_upstream_retries_total', { code: 'rate_limited' })).toBe(1);
    expect(sample(text, 'threadpaint_upstream_duration_seconds_count', model)).toBe(4);
    expect(sample(text, 'threadpaint_upstream_bytes_received_total', model)).toBeGreaterThan(100);
    expect(sample(text, 'threadpaint_delivered_bytes_total', { platform: 'slack' })).toBeGreaterThan(100);
    expect(sample(text, 'threadpaint_delivered_bytes_total', { platform: 'local' })).toBeGreaterThan(100);
    expect(sample(text, 'threadpaint_quota_refusals_total', { platform: 'local' })).toBe(1);
    // Spend: two delivered images and one billed failure at one unit each.
    expect(sample(text, 'threadpaint_cost_units_total', model)).toBe(3);
    expect(
      sample(text, 'threadpaint_platform_api_calls_total', {
        platform: 'slack',
        call: 'chat.postMessage',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'threadpaint_platform_ack_seconds_count', { platform: 'slack' })).toBe(1);
    expect(sample(text, 'threadpaint_queue_depth', { platform: 'local' })).toBe(0);
    expect(sample(text, 'threadpaint_jobs_running', { platform: 'slack' })).toBe(0);
    // No label carries a member, a channel or a prompt.
    expect(text).not.toMatch(/U0?1\b|C0?1\b|lighthouse|red fox/);
    expect(await app.stop()).toBe(0);
  }, 120_000);
});
