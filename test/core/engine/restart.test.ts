import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fakes/fake-image-api.js';
import { useFakeApiSuite } from '../../support/fake-api-suite.js';
import { distinctFakeImages, sha256 } from '../../support/image-bytes.js';
import { seedImagineJob } from '../../support/seed-records.js';

const suite = useFakeApiSuite({ b64Image: distinctFakeImages() });
const harnesses = suite.harnesses;

const isGenerationFor = (prompt: string) => (request: RecordedRequest) =>
  request.path === '/v1/images/generations' && JSON.stringify(request.body).includes(prompt);
const callsFor = (prompt: string) => suite.fake.requests.filter(isGenerationFor(prompt)).length;
const member = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' } as const;

describe('starting an engine over a store a previous process left behind', () => {
  it('interrupts running jobs, delivers generated ones from stored bytes and resumes queued ones', async () => {
    // A process whose platform was not connected: its job got as far as `generated` (bytes stored, not posted).
    const before = harnesses.create({ provider: suite.client.provider, deliverer: false });
    const generated = await before.imagine('job G: a lighthouse at dusk');
    await before.events.next('started', generated.job.id);
    // Shutting down waits for the running job to finish (well within the grace time).
    await before.engine.shutdown();
    expect((await before.store.getJob(generated.job.id))?.state).toBe('generated');
    expect(before.events.typesOf(generated.job.id)).toEqual(['queued', 'started']);
    const running = await seedImagineJob(before.store, {
      state: 'running',
      prompt: 'job R: a storm',
      at: before.clock.now(),
    });
    const queued = await seedImagineJob(before.store, {
      state: 'queued',
      prompt: 'job Q: a calm sea',
      at: before.clock.now(),
    });
    const storedOutputs = (await before.store.getTurn(generated.turn.id))?.outputImages ?? [];
    expect(callsFor('job G')).toBe(1);

    const after = await before.reopen({ provider: suite.client.provider });
    const recovered = await after.engine.start();
    expect(recovered).toEqual({ resumed: 1, interrupted: 1, redelivered: 1 });

    // running → interrupted: one notice, a Retry offered, no call upstream.
    expect(after.events.typesOf(running.job.id)).toEqual(['interrupted']);
    const interrupted = await after.store.getJob(running.job.id);
    expect(interrupted).toMatchObject({ state: 'interrupted', error: { code: 'interrupted', retryable: true } });
    expect(interrupted?.error?.message).toMatch(/press Retry/);
    expect(callsFor('job R')).toBe(0);

    // generated → delivered from the stored bytes, without generating again.
    const redelivery = await after.deliverer.waitForDelivery(generated.job.id);
    expect(redelivery.images.map(sha256)).toEqual(storedOutputs.map((image) => image.hash));
    expect((await after.settle(generated.job.id)).job.state).toBe('delivered');
    expect(callsFor('job G')).toBe(1);

    // queued → resumed and delivered.
    expect((await after.settle(queued.job.id)).job.state).toBe('delivered');
    expect(callsFor('job Q')).toBe(1);

    // Retry of the interrupted job runs it once, for the same turn.
    const retry = await after.engine.retry(running.job.id, member, 'slack:T1:C1:retry-1');
    expect(retry.status).toBe('queued');
    const retried = await after.settle(retry.job.id);
    expect(retried.job.state).toBe('delivered');
    expect(retried.turn.id).toBe(running.turn.id);
    expect(retried.turn.jobId).toBe(retry.job.id);
    expect(callsFor('job R')).toBe(1);
    // Pressing Retry twice (the same interaction redelivered) does not run it again.
    expect(await after.engine.retry(running.job.id, member, 'slack:T1:C1:retry-1')).toMatchObject({
      status: 'duplicate',
      job: { id: retry.job.id },
    });
    expect(after.events.count('interrupted')).toBe(1);
    expect(after.logger.at('error')).toEqual([]);
  });
});

describe('delivery failures', () => {
  it('marks delivery_failed and redelivers the stored bytes without a second upstream call', async () => {
    const harness = harnesses.create({ provider: suite.client.provider });
    harness.deliverer.failNext(1);
    const { job } = await harness.imagine('a red boat');
    const failed = await harness.settle(job.id);
    expect(failed.job.state).toBe('delivery_failed');
    expect(failed.job.error).toMatchObject({ code: 'internal', retryable: true });
    const event = await harness.events.next('delivery_failed', job.id);
    expect(event.error).toEqual(failed.job.error);

    const redelivered = await harness.engine.redeliver(job.id, job);
    expect(redelivered?.state).toBe('delivered');
    const [delivery] = harness.deliverer.deliveriesOf(job.id);
    expect(delivery?.images.map(sha256)).toEqual(failed.turn.outputImages.map((image) => image.hash));
    expect(redelivered?.delivery).toMatchObject({ messageId: delivery?.messageId });
    expect(harness.deliverer.attempts.items.map((attempt) => attempt.outcome)).toEqual(['failed', 'delivered']);
    expect(callsFor('a red boat')).toBe(1);
    expect(harness.events.typesOf(job.id)).toEqual(['queued', 'started', 'delivery_failed', 'succeeded']);
    // Redelivering a delivered job is a no-op.
    expect((await harness.engine.redeliver(job.id, job))?.state).toBe('delivered');
    expect(harness.deliverer.deliveriesOf(job.id)).toHaveLength(1);
  });

  it('turns Retry on a failed delivery into a redelivery, not a new generation', async () => {
    const harness = harnesses.create({ provider: suite.client.provider });
    harness.deliverer.failNext(1);
    const { job } = await harness.imagine('a blue kite');
    await harness.settle(job.id);
    const result = await harness.engine.retry(job.id, member, 'slack:T1:C1:retry-2');
    expect(result).toMatchObject({ status: 'duplicate', job: { id: job.id, state: 'delivered' } });
    expect(harness.deliverer.deliveriesOf(job.id)).toHaveLength(1);
    expect(callsFor('a blue kite')).toBe(1);
  });
});

describe('shutdown', () => {
  it('interrupts a job that outlives the grace time, keeps queued ones for the next start, then refuses work', async () => {
    const harness = harnesses.create({ provider: suite.client.provider, settings: { shutdownGraceMs: 200 } });
    suite.fake.enqueue({ kind: 'hang' });
    const hanging = await harness.imagine('a painting that never finishes');
    const waiting = await harness.imagine('the next one in line');
    await suite.fake.waitFor(isGenerationFor('a painting that never finishes'));

    const startedAt = performance.now();
    await harness.engine.shutdown();
    const took = performance.now() - startedAt;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1_500);
    expect(await harness.store.getJob(hanging.job.id)).toMatchObject({
      state: 'interrupted',
      error: { code: 'interrupted' },
    });
    expect(harness.events.typesOf(hanging.job.id)).toEqual(['queued', 'started', 'interrupted']);
    expect((await harness.store.getJob(waiting.job.id))?.state).toBe('queued');
    await expect(harness.imagine('one more')).rejects.toMatchObject({
      code: 'shutting_down',
      message: 'The bot is restarting; please send that again in a minute.',
    });
    expect(await harness.allJobs()).toHaveLength(2);

    // The next start runs what was waiting, and does not report the interrupted job a second time.
    const next = await harness.reopen({ provider: suite.client.provider });
    expect(await next.engine.start()).toEqual({ resumed: 1, interrupted: 0, redelivered: 0 });
    expect((await next.settle(waiting.job.id)).job.state).toBe('delivered');
    expect(callsFor('a painting that never finishes')).toBe(1);
    expect(next.events.count('interrupted')).toBe(0);
  });

  it('lets a job that finishes within the grace time deliver', async () => {
    const harness = harnesses.create({ provider: suite.client.provider, settings: { shutdownGraceMs: 5_000 } });
    const { job } = await harness.imagine('a quick sketch');
    await harness.events.next('started', job.id);
    await harness.engine.shutdown();
    expect((await harness.store.getJob(job.id))?.state).toBe('delivered');
  });

  it('does not wait past the grace time for a platform that stopped answering; the next start delivers again', async () => {
    const harness = harnesses.create({ provider: suite.client.provider, settings: { shutdownGraceMs: 200 } });
    harness.deliverer.stallNext(1);
    const { job } = await harness.imagine('a postcard that never arrives');
    await harness.deliverer.attempts.waitFor((attempt) => attempt.jobId === job.id);

    const startedAt = performance.now();
    await harness.engine.shutdown();
    expect(performance.now() - startedAt).toBeLessThan(1_500);
    // The bytes are stored and the job says so: the next process posts them without generating again.
    expect((await harness.store.getJob(job.id))?.state).toBe('generated');

    const next = await harness.reopen();
    expect(await next.engine.start()).toEqual({ resumed: 0, interrupted: 0, redelivered: 1 });
    expect((await next.settle(job.id)).job.state).toBe('delivered');
    expect(next.deliverer.deliveriesOf(job.id)).toHaveLength(1);
    expect(callsFor('a postcard that never arrives')).toBe(1);
  });
});
