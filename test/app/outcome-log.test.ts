import { describe, expect, it, vi } from 'vitest';
import { logJobOutcomes } from '../../src/app/outcome-log.js';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { createLogger, isOwnReferenceId, newReferenceId } from '../../src/logging/logger.js';
import type { EngineHarness } from '../support/engine-harness.js';
import { useFakeApiSuite } from '../support/fake-api-suite.js';

const suite = useFakeApiSuite();

/** A harness on the real HTTP client and the fake image API, its outcomes logged as JSON lines by pino. */
function loggedHarness() {
  const harness = suite.harnesses.create({ provider: suite.client.provider, newReferenceId });
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  logJobOutcomes({
    engine: harness.engine,
    store: harness.store,
    catalogue: createModelCatalogue(),
    defaultModel: 'gemini-2.5-flash-image',
    logger,
  });
  const outcomeOf = async (jobId: string) => {
    await vi.waitFor(() => expect(lines.filter((line) => line['jobId'] === jobId)).toHaveLength(1));
    return lines.find((line) => line['jobId'] === jobId) as Record<string, unknown>;
  };
  return { harness, lines, outcomeOf };
}

const requestIdsOf = (prompt: string) =>
  suite.fake.requests.filter((request) => JSON.stringify(request.body).includes(prompt)).map((r) => r.requestId);
const requestIdOf = (prompt: string) => requestIdsOf(prompt)[0];

const settledUnits = async (harness: EngineHarness) =>
  (await harness.store.usageSummary({ platform: 'slack', workspaceId: 'T1', since: 0 }))[0]?.units;

describe('one log line per job outcome', () => {
  it('logs a delivered job with its model, platform, duration, the gateway request id and what it cost', async () => {
    const { harness, lines, outcomeOf } = loggedHarness();
    const { job } = await harness.imagineDelivered('a lighthouse --n 2');

    const line = await outcomeOf(job.id);
    expect(line).toMatchObject({
      level: 30,
      msg: 'job outcome',
      outcome: 'delivered',
      jobId: job.id,
      platform: 'slack',
      action: 'imagine',
      model: 'gemini-2.5-flash-image',
      // Gemini makes one image a call: both calls' ids.
      upstreamRequestId: requestIdsOf('a lighthouse').join(' '),
      costUnits: await settledUnits(harness),
    });
    expect(line['costUnits']).toBe(2);
    expect(requestIdsOf('a lighthouse')).toHaveLength(2);
    expect(line['durationMs']).toBe(job.finishedAt ? job.finishedAt - job.createdAt : -1);
    expect(line).not.toHaveProperty('reference');
    // Queued, started and progress events write nothing: one line for the job, and only the one.
    expect(lines.filter((entry) => entry['msg'] === 'job outcome')).toHaveLength(1);
  });

  it('logs an upstream failure at warn with the reference the member saw, which is the gateway request id', async () => {
    const { harness, outcomeOf } = loggedHarness();
    suite.fake.enqueue({ kind: 'status', status: 502 });
    const { job } = await harness.imagine('a storm at sea');
    const failed = await harness.settle(job.id);

    const line = await outcomeOf(job.id);
    const requestId = requestIdOf('a storm at sea');
    expect(requestId).toBeDefined();
    expect(failed.job.error?.message).toContain(`(ref ${requestId})`);
    expect(line).toMatchObject({
      level: 40,
      outcome: 'failed',
      code: 'upstream',
      reference: requestId,
      upstreamRequestId: requestId,
      costUnits: await settledUnits(harness),
    });
    expect(line['costUnits']).toBe(1);
  });

  it('charges nothing for a refused key, as the ledger does', async () => {
    const { harness, outcomeOf } = loggedHarness();
    suite.fake.enqueue({ kind: 'status', status: 401 });
    const { job } = await harness.imagine('a quiet harbour');
    await harness.settle(job.id);
    expect(await outcomeOf(job.id)).toMatchObject({ outcome: 'failed', code: 'auth', costUnits: 0 });
    expect(await settledUnits(harness)).toBe(0);
  });

  it('keeps the bot’s own reference apart from the gateway’s request id when posting fails', async () => {
    const { harness, outcomeOf } = loggedHarness();
    harness.deliverer.failNext(1);
    const { job } = await harness.imagine('a red fox');
    const settled = await harness.settle(job.id);
    expect(settled.job.state).toBe('delivery_failed');

    const line = await outcomeOf(job.id);
    expect(line).toMatchObject({ level: 40, outcome: 'delivery_failed', upstreamRequestId: requestIdOf('a red fox') });
    expect(isOwnReferenceId(line['reference'] as string)).toBe(true);
    expect(settled.job.error?.message).toContain(line['reference'] as string);
  });

  it('logs a job cancelled while queued at info, with nothing charged and no time in the queue', async () => {
    const { harness, outcomeOf } = loggedHarness();
    suite.fake.enqueue({ kind: 'hang' });
    const running = await harness.imagine('a slow one');
    await vi.waitFor(() => expect(requestIdOf('a slow one')).toBeDefined());
    const waiting = await harness.imagine('a hare --model seedream');
    await harness.engine.cancel(waiting.job.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U1' });

    const line = await outcomeOf(waiting.job.id);
    expect(line).toMatchObject({ level: 30, outcome: 'cancelled', costUnits: 0, model: 'doubao-seedream-4-5-251128' });
    expect(line).not.toHaveProperty('queuedMs');
    await harness.engine.cancel(running.job.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U1' });
    expect(await outcomeOf(running.job.id)).toMatchObject({ outcome: 'cancelled', costUnits: 1 });
  });
});
