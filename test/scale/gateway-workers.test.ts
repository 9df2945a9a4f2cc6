import { afterEach, describe, expect, it } from 'vitest';
import { mostAtOnce, type ScaleDeployment, startScaleDeployment } from './scale-deployment.js';

let deployment: ScaleDeployment | undefined;
afterEach(async () => {
  await deployment?.close();
  deployment = undefined;
});

const users = ['U1', 'U2', 'U3', 'U4', 'U5'];
const slack = {
  users: users.map((id) => ({ id, name: id.toLowerCase() })),
  channels: [{ id: 'C1', name: 'general', members: users }],
};
const promptOf = (input: string) => (JSON.parse(input) as { prompt: string }).prompt;
const span = (row: { started_at: string | null; finished_at: string | null }) =>
  [Number(row.started_at), Number(row.finished_at)] as const;

describe('a gateway and two workers on Redis and PostgreSQL', () => {
  it("runs a member's jobs in order across workers and holds the global cap below the workers' sum", async () => {
    deployment = await startScaleDeployment({
      imageApi: { latencyMs: 400 },
      slack,
      // Two workers of 2 could run 4 at once; the deployment allows 2.
      env: { IMAGE_API_CONCURRENCY: '2', WORKER_CONCURRENCY: '2' },
    });
    const [gateway, first, second] = await Promise.all([
      deployment.start('gateway'),
      deployment.start('worker'),
      deployment.start('worker'),
    ]);
    const sent = [
      ...['first', 'second', 'third'].map((word) => ({ user: 'U1', text: `U1 ${word} lighthouse` })),
      ...['U2', 'U3', 'U4', 'U5'].map((user) => ({ user, text: `${user} harbour` })),
    ];
    for (const { user, text } of sent) {
      const answer = await deployment.imagine(gateway, text, user);
      expect(answer.status).toBe(200);
    }
    const rows = await deployment.settled(sent.length);
    expect(rows.map((row) => row.state)).toEqual(sent.map(() => 'delivered'));
    // The image API was called once per job, at most twice at once.
    const calls = deployment.imageApi.requests.filter((request) => request.method === 'POST');
    expect(calls).toHaveLength(sent.length);
    expect(mostAtOnce(rows.map(span))).toBeLessThanOrEqual(2);
    expect(mostAtOnce(rows.map(span))).toBe(2);
    // U1's three ran one after another, in the order they were asked for.
    const u1 = rows.filter((row) => row.member_id === 'U1');
    expect(u1.map((row) => promptOf(row.input))).toEqual(sent.slice(0, 3).map((item) => item.text));
    for (let index = 1; index < u1.length; index++) {
      expect(Number(u1[index]?.started_at)).toBeGreaterThanOrEqual(Number(u1[index - 1]?.finished_at));
    }
    // The workers ran every job between them, both of them some; the gateway ran none.
    const byWorker = [await first.delivered(), await second.delivered()];
    expect(byWorker.reduce((sum, count) => sum + count, 0)).toBe(sent.length);
    expect(Math.min(...byWorker)).toBeGreaterThan(0);
    expect(await gateway.delivered()).toBe(0);
  }, 120_000);
});

describe('a deployment that loses a worker or its Redis', () => {
  it('leaves the job of a SIGKILLed worker interrupted and told once, never calls upstream twice, and the other worker runs the rest', async () => {
    deployment = await startScaleDeployment({
      imageApi: { latencyMs: 2_500 },
      slack,
      env: { IMAGE_API_CONCURRENCY: '4', WORKER_CONCURRENCY: '2', QUEUE_RECONCILE_SECONDS: '5' },
    });
    const { imageApi } = deployment;
    const [gateway, ...workers] = await Promise.all([
      deployment.start('gateway'),
      deployment.start('worker'),
      deployment.start('worker'),
    ]);
    expect((await deployment.imagine(gateway, 'a doomed lighthouse', 'U1')).status).toBe(200);
    await waitUntil(() => imageApi.requests.filter((request) => request.method === 'POST').length === 1);
    const holders = [];
    for (const worker of workers) if ((await worker.health()).queue?.running === 1) holders.push(worker);
    expect(holders).toHaveLength(1);
    const [doomed] = holders;
    const survivor = workers.find((worker) => worker !== doomed);
    const killedAt = Date.now();
    await doomed?.app.stop('SIGKILL');
    for (const user of ['U2', 'U3']) {
      expect((await deployment.imagine(gateway, `${user} survives`, user)).status).toBe(200);
    }
    const rows = await deployment.settled(3, 90_000);
    expect(rows.map((row) => [row.member_id, row.state])).toEqual([
      ['U1', 'interrupted'],
      ['U2', 'delivered'],
      ['U3', 'delivered'],
    ]);
    // Within 45 s of the death (a 15 s lock, a stalled check every 15 s).
    expect(Number(rows[0]?.finished_at) - killedAt).toBeLessThan(45_000);
    expect(imageApi.requests.filter((request) => request.method === 'POST')).toHaveLength(3);
    expect(await survivor?.delivered()).toBe(2);
    const told = (call: { method: string; args: Record<string, unknown> }) =>
      call.method === 'chat.postMessage' && String(call.args['text']).includes('interrupted your request');
    await deployment.slack.waitFor(told, 10_000);
    // The other worker's next stalled check and reconcile find it ended already: nobody tells the member again.
    await deployment.settled(3);
    await waitUntil(async () => (await survivor?.health())?.queue?.running === 0);
    expect(deployment.slack.calls.filter(told)).toHaveLength(1);
    const retry = deployment.slack.calls.find(told);
    expect(String(retry?.args['blocks'])).toContain('Retry');
  }, 150_000);

  it('loses no job and runs none twice when Redis loses every key mid-run', async () => {
    deployment = await startScaleDeployment({
      imageApi: { latencyMs: 1_000 },
      slack,
      env: { IMAGE_API_CONCURRENCY: '2', WORKER_CONCURRENCY: '2', QUEUE_RECONCILE_SECONDS: '2' },
    });
    const { imageApi } = deployment;
    const [gateway] = await Promise.all([
      deployment.start('gateway'),
      deployment.start('worker'),
      deployment.start('worker'),
    ]);
    const sent = [
      ...users.map((user) => ({ user, text: `${user} before the flush` })),
      { user: 'U1', text: 'U1 again' },
    ];
    for (const { user, text } of sent) expect((await deployment.imagine(gateway, text, user)).status).toBe(200);
    await waitUntil(() => imageApi.requests.filter((request) => request.method === 'POST').length >= 2);
    // FLUSHALL, for this deployment's keys only (the tests' Redis is shared).
    expect(await deployment.flushRedis()).toBeGreaterThan(0);
    const rows = await deployment.settled(sent.length, 90_000);
    expect(rows.map((row) => row.state)).toEqual(sent.map(() => 'delivered'));
    const prompts = imageApi.requests
      .filter((request) => request.method === 'POST')
      .map((request) => JSON.stringify(request.body));
    expect(prompts).toHaveLength(sent.length);
    for (const { text } of sent) expect(prompts.filter((body) => body.includes(text))).toHaveLength(1);
  }, 150_000);
});

describe('a worker told to stop', () => {
  it('takes no new job, finishes the one it runs within the deadline, and another worker runs the rest', async () => {
    deployment = await startScaleDeployment({
      imageApi: { latencyMs: 1_500 },
      slack,
      env: { WORKER_CONCURRENCY: '1', IMAGE_API_CONCURRENCY: '4' },
    });
    const [gateway, stopping] = await Promise.all([deployment.start('gateway'), deployment.start('worker')]);
    expect((await deployment.imagine(gateway, 'a lighthouse before the stop', 'U1')).status).toBe(200);
    await waitUntil(() => deployment?.imageApi.requests.some((request) => request.method === 'POST') ?? false);
    const stoppedAt = Date.now();
    const exited = stopping.app.stop('SIGTERM');
    expect((await deployment.imagine(gateway, 'a lighthouse after the stop', 'U2')).status).toBe(200);
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(12_000);
    const [before, after] = await deployment.jobs();
    expect(before?.state).toBe('delivered');
    expect(after?.state).toBe('queued');
    const next = await deployment.start('worker');
    const rows = await deployment.settled(2);
    expect(rows.map((row) => row.state)).toEqual(['delivered', 'delivered']);
    expect(await next.delivered()).toBe(1);
  }, 90_000);
});

describe('Cancel across processes', () => {
  it('reaches the worker running the job: its upstream call is aborted and the job is cancelled', async () => {
    deployment = await startScaleDeployment({ imageApi: { latencyMs: 8_000 }, slack });
    const [gateway] = await Promise.all([deployment.start('gateway'), deployment.start('worker')]);
    expect((await deployment.imagine(gateway, 'a lighthouse nobody wants', 'U1')).status).toBe(200);
    await waitUntil(() => deployment?.imageApi.requests.some((request) => request.method === 'POST') ?? false);
    const [job] = await deployment.jobs();
    expect(job?.state).toBe('running');
    const root = deployment.slack.calls.find(
      (call) => call.method === 'chat.postMessage' && call.args['thread_ts'] === undefined && call.response['ok'],
    );
    const { blockAction } = await import('../fakes/fake-slack-payloads.js');
    const { createSlackSigner } = await import('../fakes/fake-slack-signer.js');
    const press = blockAction(deployment.slack, {
      actionId: 'tp:cancel',
      value: job?.id ?? '',
      user: 'U1',
      messageTs: String(root?.response['ts']),
    });
    const pressedAt = Date.now();
    const signer = createSlackSigner({ url: `${gateway.url}/slack/events`, secret: 'scale-test-signing-secret' });
    expect((await signer.interaction(press)).status).toBe(200);
    const [ended] = await deployment.settled(1);
    expect(ended?.state).toBe('cancelled');
    // Ended well before the upstream's 8 s answer: the worker aborted the call, the gateway did not wait it out.
    expect(Number(ended?.finished_at) - pressedAt).toBeLessThan(4_000);
    expect(deployment.imageApi.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  }, 90_000);
});

describe('two gateways and two workers', () => {
  it('never let a member past a shared quota, and answer a request sent to both gateways once', async () => {
    deployment = await startScaleDeployment({
      imageApi: { latencyMs: 200 },
      slack,
      env: { QUOTA_MEMBER_PER_HOUR: '3', IMAGE_API_CONCURRENCY: '4', WORKER_CONCURRENCY: '2' },
    });
    const [left, right] = await Promise.all([
      deployment.start('gateway'),
      deployment.start('gateway'),
      deployment.start('worker'),
      deployment.start('worker'),
    ]);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        deployment?.imagine(index % 2 === 0 ? left : right, `quota lighthouse ${index}`, 'U1'),
      ),
    );
    expect(answers.map((answer) => answer?.status)).toEqual(answers.map(() => 200));
    const rows = await deployment.settled(3);
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(deployment.imageApi.requests.filter((request) => request.method === 'POST')).toHaveLength(3);
    // The five refused were told so, each with the quota's sentence.
    const sentence = /You have used \d+ of 3 image units|The quota filled up while this request was checked/;
    const refusals = deployment.slack.calls.filter((call) => sentence.test(JSON.stringify(call.args)));
    const inAnswers = answers.filter((answer) => sentence.test(answer?.body ?? ''));
    expect(refusals.length + inAnswers.length).toBe(5);

    // The same slash command (one trigger) delivered to both gateways: one job.
    const { slashCommand } = await import('../fakes/fake-slack-payloads.js');
    const { createSlackSigner } = await import('../fakes/fake-slack-signer.js');
    const fields = slashCommand(deployment.slack, { text: 'one lighthouse, asked twice', user: 'U2' });
    const both = await Promise.all(
      [left, right].map((gateway) =>
        createSlackSigner({ url: `${gateway.url}/slack/events`, secret: 'scale-test-signing-secret' }).command(fields),
      ),
    );
    expect(both.map((answer) => answer.status)).toEqual([200, 200]);
    const after = await deployment.settled(4);
    expect(after.filter((row) => row.member_id === 'U2')).toHaveLength(1);
    expect(deployment.imageApi.requests.filter((request) => request.method === 'POST')).toHaveLength(4);
  }, 150_000);
});

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
