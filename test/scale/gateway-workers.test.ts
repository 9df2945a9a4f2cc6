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
