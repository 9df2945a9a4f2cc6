import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeImageApi, type RecordedRequest, startFakeImageApi } from '../fakes/fake-image-api.js';
import { defaultFakePng } from '../fakes/fake-image-api-png.js';
import { type ChildLine, childTracker, type EngineChild } from './engine-child-process.js';

const promptA = 'restart test job A: a lighthouse at dusk';
const promptB = 'restart test job B: a harbour at dawn';
const promptC = 'restart test job C: a red boat in a storm';

const isGenerationFor = (prompt: string) => (request: RecordedRequest) =>
  request.method === 'POST' &&
  request.path === '/v1/images/generations' &&
  JSON.stringify(request.body).includes(prompt);

const submittedFor = (key: string) => (line: ChildLine) => line.type === 'submitted' && line['key'] === key;
const eventFor = (event: string, jobId: unknown, phase?: string) => (line: ChildLine) =>
  line.type === 'event' &&
  line['event'] === event &&
  line['jobId'] === jobId &&
  (phase === undefined || line['phase'] === phase);

interface JobLine {
  readonly id: string;
  readonly key: string;
  readonly state: string;
}

async function jobsOf(child: EngineChild): Promise<JobLine[]> {
  const answer = await child.request({ cmd: 'jobs' }, (line) => line.type === 'jobs');
  return (answer['jobs'] as JobLine[]).map(({ id, key, state }) => ({ id, key, state }));
}

function submit(child: EngineChild, key: string, prompt: string): Promise<ChildLine> {
  return child.request({ cmd: 'submit', key, prompt, member: 'member-1' }, submittedFor(key));
}

describe('a bot process killed with SIGKILL and restarted on the same DATA_DIR', () => {
  let fake: FakeImageApi;
  let dataDir: string;
  const children = childTracker();
  const argsFor = (...extra: string[]) => ['--data-dir', dataDir, '--api-url', fake.url, ...extra];
  const callsFor = (prompt: string) => fake.requests.filter(isGenerationFor(prompt)).length;

  beforeEach(async () => {
    fake = await startFakeImageApi();
    dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-restart-'));
  });

  afterEach(async () => {
    await children.killAll();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no job, tells the member once that the running job was interrupted, and never calls upstream twice', async () => {
    fake.enqueue({ kind: 'hang' });
    const first = await children.start(argsFor());
    const jobA = await submit(first, 'k1', promptA);
    const jobB = await submit(first, 'k2', promptB);
    expect([jobA['status'], jobB['status']]).toEqual(['queued', 'queued']);
    await fake.waitFor(isGenerationFor(promptA));
    // B waits behind A: one running job per member, one upstream call at a time.
    expect(first.lines.some(eventFor('started', jobB['jobId']))).toBe(false);
    await first.kill();

    const second = await children.start(argsFor());
    expect(await jobsOf(second)).toEqual([
      { id: jobA['jobId'], key: 'k1', state: 'running' },
      { id: jobB['jobId'], key: 'k2', state: 'queued' },
    ]);
    const started = await second.request({ cmd: 'start' }, (line) => line.type === 'started');
    expect(started['result']).toEqual({ resumed: 1, interrupted: 1, redelivered: 0 });
    await second.waitForLine(eventFor('succeeded', jobB['jobId']));
    expect(second.lines.filter((line) => line.type === 'delivered').map((line) => line['jobId'])).toEqual([
      jobB['jobId'],
    ]);

    const again = await submit(second, 'k1', promptA);
    expect(again).toMatchObject({ status: 'duplicate', jobId: jobA['jobId'] });
    expect(await jobsOf(second)).toEqual([
      { id: jobA['jobId'], key: 'k1', state: 'interrupted' },
      { id: jobB['jobId'], key: 'k2', state: 'delivered' },
    ]);
    expect(callsFor(promptA)).toBe(1);
    expect(callsFor(promptB)).toBe(1);

    // A further restart reports nothing again: the notice was given once.
    await second.request({ cmd: 'shutdown' }, (line) => line.type === 'closed');
    expect(await second.exited).toBe(0);
    const third = await children.start(argsFor());
    const restarted = await third.request({ cmd: 'start' }, (line) => line.type === 'started');
    expect(restarted['result']).toEqual({ resumed: 0, interrupted: 0, redelivered: 0 });
    const interrupted = [first, second, third].flatMap((child) =>
      child.lines.filter((line) => line.type === 'event' && line['event'] === 'interrupted'),
    );
    expect(interrupted.map((line) => line['jobId'])).toEqual([jobA['jobId']]);
    expect(callsFor(promptA)).toBe(1);
  });

  it('delivers a generated but undelivered job from the stored bytes after the restart, without a second call', async () => {
    const first = await children.start(argsFor('--block-delivery', 'k3'));
    const jobC = await submit(first, 'k3', promptC);
    await first.waitForLine(eventFor('progress', jobC['jobId'], 'delivering'));
    await first.waitForLine((line) => line.type === 'delivery-blocked' && line['jobId'] === jobC['jobId']);
    await first.kill();
    expect(callsFor(promptC)).toBe(1);

    const second = await children.start(argsFor());
    expect(await jobsOf(second)).toEqual([{ id: jobC['jobId'], key: 'k3', state: 'generated' }]);
    const started = await second.request({ cmd: 'start' }, (line) => line.type === 'started');
    expect(started['result']).toEqual({ resumed: 0, interrupted: 0, redelivered: 1 });
    const delivered = await second.waitForLine((line) => line.type === 'delivered' && line['jobId'] === jobC['jobId']);
    const fakeImage = createHash('sha256').update(defaultFakePng()).digest('hex');
    expect(delivered['hashes']).toEqual([fakeImage]);
    expect(delivered['sha256']).toEqual([fakeImage]);
    await second.waitForLine(eventFor('succeeded', jobC['jobId']));
    expect(await jobsOf(second)).toEqual([{ id: jobC['jobId'], key: 'k3', state: 'delivered' }]);
    expect(callsFor(promptC)).toBe(1);
    expect(second.lines.some((line) => line.type === 'event' && line['event'] === 'started')).toBe(false);
  });
});
