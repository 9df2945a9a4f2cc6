import { describe, expect, it } from 'vitest';
import type { EngineHarness } from '../../support/engine-harness.js';
import { useFakeApiSuite } from '../../support/fake-api-suite.js';

const suite = useFakeApiSuite();
const harnesses = suite.harnesses;

const callsFor = (prompt: string) =>
  suite.fake.requests.filter(
    (request) => request.path === '/v1/images/generations' && JSON.stringify(request.body).includes(prompt),
  ).length;

const usage = (harness: EngineHarness) =>
  harness.store.usageSummary({ platform: 'slack', workspaceId: 'T1', since: 0 });

describe('upstream failures end the job with a sentence for the member', () => {
  it('reports a moderation refusal once, without retrying it, and bills it', async () => {
    const harness = harnesses.create({ provider: suite.client.provider });
    suite.fake.enqueue({ kind: 'moderation' });
    const { job } = await harness.imagine('something the safety system blocks');
    const failed = await harness.settle(job.id);

    expect(failed.job.state).toBe('failed');
    expect(failed.job.error).toMatchObject({ code: 'content_rejected', retryable: false });
    expect(failed.job.error?.message).toMatch(/safety system blocked this prompt/);
    // The next job through is a barrier: nothing more happened to the failed one meanwhile.
    await harness.imagineDelivered('a harmless teapot');
    expect(harness.events.typesOf(job.id)).toEqual(['queued', 'started', 'failed']);
    await expect(harness.events.next('failed', job.id)).resolves.toMatchObject({ error: failed.job.error });
    expect(callsFor('something the safety system blocks')).toBe(1);
    expect(harness.deliverer.deliveriesOf(job.id)).toEqual([]);
    // Refusals count: the provider may bill them.
    expect(await usage(harness)).toEqual([{ model: 'gemini-2.5-flash-image', images: 1, calls: 2, units: 2 }]);
    expect(harness.logger.at('warn')).toMatchObject([{ message: 'job failed', details: { code: 'content_rejected' } }]);
  });

  it('tells the member an operator must fix the API key on a 401, with a reference, and does not bill it', async () => {
    const harness = harnesses.create({ provider: suite.client.provider });
    suite.fake.enqueue({ kind: 'status', status: 401 });
    const { job } = await harness.imagine('a lighthouse');
    const failed = await harness.settle(job.id);

    expect(failed.job.state).toBe('failed');
    expect(failed.job.error).toMatchObject({ code: 'auth', retryable: false });
    expect(failed.job.error?.message).toMatch(/rejected our API key.*IMAGE_API_KEY/);
    expect(failed.job.error?.message).toContain(`(ref ${failed.job.error?.referenceId})`);
    expect(failed.job.error?.referenceId).toMatch(/^fake-/);
    expect(callsFor('a lighthouse')).toBe(1);
    expect(harness.events.count('failed', job.id)).toBe(1);
    expect(await usage(harness)).toEqual([{ model: 'gemini-2.5-flash-image', images: 0, calls: 1, units: 0 }]);
    // The operator log has it, with the reference the member was given.
    expect(harness.logger.at('warn')).toMatchObject([
      { message: 'job failed', details: { jobId: job.id, code: 'auth', reference: failed.job.error?.referenceId } },
    ]);
  });

  it('tells the member when to come back after a rate limit with a long Retry-After, not "in a moment"', async () => {
    const harness = harnesses.create({ provider: suite.client.provider });
    suite.fake.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '170' } });
    const { job } = await harness.imagine('a busy harbour');
    const failed = await harness.settle(job.id);

    expect(failed.job.error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(failed.job.error?.message).toMatch(/rate limited.*try again in about 3 minutes/);
    expect(failed.job.error?.message).not.toMatch(/in a moment/);
    expect(callsFor('a busy harbour')).toBe(1);
  });

  it('stops a job that outlives JOB_TIMEOUT_MS and fails it as a timeout', async () => {
    const harness = harnesses.create({ provider: suite.client.provider, settings: { jobTimeoutMs: 150 } });
    suite.fake.enqueue({ kind: 'hang' });
    const { job } = await harness.imagine('a slow painting');
    const failed = await harness.settle(job.id);

    expect(failed.job.state).toBe('failed');
    expect(failed.job.error).toMatchObject({ code: 'timeout', retryable: true });
    expect(failed.job.error?.message).toMatch(/longer than the time limit/);
    expect(callsFor('a slow painting')).toBe(1);
    expect(harness.events.typesOf(job.id)).toEqual(['queued', 'started', 'failed']);
    expect(await usage(harness)).toEqual([{ model: 'gemini-2.5-flash-image', images: 0, calls: 1, units: 1 }]);
  });
});
