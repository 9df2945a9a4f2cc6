import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineImageProvider } from '../../../src/providers/offline-renderer.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { observeProvider } from '../../support/observed-provider.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const members = Array.from({ length: 20 }, (_, index) => `member-${String(index + 1).padStart(2, '0')}`);
const jobsPerMember = 10;

describe('the queue under load', () => {
  it('runs 200 jobs from 20 members with at most 4 upstream calls at once, each member in order', async () => {
    const provider = observeProvider(createOfflineImageProvider({ maxLongSide: 32 }));
    const harness = harnesses.create({ provider, settings: { concurrency: 4 } });
    // Everything is queued before the first call may finish, so the cap (not the submit rate) limits concurrency.
    provider.hold();
    const submitted: string[] = [];
    for (let round = 0; round < jobsPerMember; round++) {
      for (const member of members) {
        const { job } = await harness.imagine(`${member} job ${round}`, { memberId: member });
        submitted.push(job.id);
      }
    }
    await provider.waitForInFlight(4);
    expect(harness.engine.stats).toEqual({ waiting: 196, running: 4 });
    provider.release();
    await Promise.all(submitted.map((jobId) => harness.settle(jobId, 20_000)));

    expect(provider.maxInFlight).toBe(4);
    expect(provider.calls.items).toHaveLength(200);
    expect(Math.max(...provider.calls.items.map((call) => call.inFlightAtStart))).toBe(4);
    expect(harness.deliverer.delivered).toHaveLength(200);
    expect(new Set((await harness.allJobs()).map((job) => job.state))).toEqual(new Set(['delivered']));
    for (const member of members) {
      const started = provider.calls.items
        .map((call) => call.request.prompt)
        .filter((prompt) => prompt.startsWith(`${member} `));
      expect(started).toEqual(Array.from({ length: jobsPerMember }, (_, round) => `${member} job ${round}`));
    }
    // Fair: the first four calls went to four different members, not to one member's backlog.
    const firstFour = provider.calls.items.slice(0, 4).map((call) => call.request.prompt.split(' ')[0]);
    expect(new Set(firstFour).size).toBe(4);
  });

  it("starts another member's job at the next free slot instead of after one member's whole backlog", async () => {
    const provider = observeProvider(createOfflineImageProvider({ maxLongSide: 32 }));
    const harness = harnesses.create({ provider, settings: { concurrency: 2 } });
    provider.hold();
    const backlog = [];
    for (let index = 0; index < 5; index++) backlog.push(await harness.imagine(`busy ${index}`, { memberId: 'busy' }));
    const late = await harness.imagine('late arrival', { memberId: 'late' });
    expect(harness.engine.position(late.job.id)).toBe(0);
    expect(backlog.map(({ job }) => harness.engine.position(job.id))).toEqual([0, 1, 2, 3, 4]);
    provider.release();
    await Promise.all([...backlog, late].map(({ job }) => harness.settle(job.id)));
    expect(provider.calls.items.map((call) => call.request.prompt).slice(0, 2)).toEqual(['busy 0', 'late arrival']);
    expect(provider.maxInFlight).toBe(2);
  });
});
