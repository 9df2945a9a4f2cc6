import { afterEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/core/jobs/job-queue.js';
import { type JobDispatch, openJobDispatch } from '../../src/queue/job-dispatch.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createEngineHarness, type EngineHarness } from '../support/engine-harness.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';

let schema: TestSchema | undefined;
let harness: EngineHarness | undefined;
const dispatches: JobDispatch[] = [];
afterEach(async () => {
  for (const dispatch of dispatches.splice(0)) await dispatch.close();
  await harness?.close();
  harness = undefined;
  await schema?.drop();
});

/** A queue that runs nothing: the jobs stay queued in PostgreSQL, where the dispatch decides. */
const holdingQueue = (): JobQueue => ({
  enqueue: () => 1,
  remove: () => false,
  position: () => undefined,
  waiting: 0,
  running: 0,
  pause: () => undefined,
  idle: () => Promise.resolve(),
});

describe('the dispatch in PostgreSQL', () => {
  it('hands over one job per member at a time, in order, however many processes release at once', async () => {
    schema = createTestSchema();
    const storage = await openPostgresStore({ url: schema.url, schema: schema.name, maxConnections: 4 });
    harness = createEngineHarness({ storage, queue: holdingQueue, settings: { quota: { memberPerHour: 0 } } });
    const members = ['U1', 'U2', 'U3'];
    const made = new Map<string, string[]>(members.map((member) => [member, []]));
    for (let round = 0; round < 8; round++) {
      for (const member of members) {
        const { job } = await harness.imagine(`${member} lighthouse ${round}`, { memberId: member });
        made.get(member)?.push(job.id);
      }
    }
    for (let index = 0; index < 4; index++) {
      dispatches.push(await openJobDispatch({ url: schema.url, schema: schema.name }));
    }
    const handed = new Map<string, string[]>(members.map((member) => [member, []]));
    let rounds = 0;
    for (;;) {
      // Four processes release at the same moment, twice over.
      const results = await Promise.all([...dispatches, ...dispatches].map((dispatch) => dispatch.release()));
      const ids = results.flatMap((result) => result.handedOver);
      if (ids.length === 0) break;
      rounds++;
      // Never two of one member in flight.
      const doubled = await schema.query(
        `SELECT member_key FROM queue_dispatch d JOIN jobs j ON j.id = d.job_id
         WHERE j.state IN ('queued', 'running', 'generated') GROUP BY member_key HAVING count(*) > 1`,
      );
      expect(doubled).toEqual([]);
      for (const id of ids) {
        const job = await harness.store.getJob(id);
        handed.get(job?.memberId ?? '')?.push(id);
        // The job runs and ends; the next release frees its member.
        await harness.store.updateJob(id, { state: 'delivered', finishedAt: Date.now(), updatedAt: Date.now() });
      }
    }
    // Each job exactly once, each member's in the order they were made, the three members side by side.
    expect(handed).toEqual(made);
    expect(rounds).toBe(8);
  }, 60_000);
});
