import { describe, expect, it } from 'vitest';
import type { DeliveryIds, StatusEvent } from '../../../src/core/platform/chat-platform.js';
import { createStatusSequencer } from '../../../src/core/platform/status-sequencer.js';
import type { JobRecord } from '../../../src/core/records.js';

const job = (id: string, delivery: JobRecord['delivery'] = {}): JobRecord => ({
  id,
  conversationId: 'c',
  turnId: `t-${id}`,
  platform: 'slack',
  workspaceId: 'T1',
  memberId: 'U1',
  action: 'imagine',
  state: 'queued',
  input: { prompt: 'a kite', attachments: [] },
  delivery,
  costUnits: 1,
  createdAt: 0,
  updatedAt: 0,
});

/** A render that waits to be let go, per event, and records what it was handed. */
function gatedRender() {
  const seen: StatusEvent[] = [];
  const gates = new Map<string, () => void>();
  const answers = new Map<string, DeliveryIds>();
  return {
    seen,
    answers,
    release: (key: string) => gates.get(key)?.(),
    render: (event: StatusEvent) => {
      seen.push(event);
      const key = `${event.job.id}:${event.type}`;
      return new Promise<DeliveryIds | undefined>((resolve) => {
        gates.set(key, () => resolve(answers.get(key)));
      });
    },
  };
}

describe('the status sequencer', () => {
  it('renders a job’s events one after another, never holding up another job’s', async () => {
    const render = gatedRender();
    const sequencer = createStatusSequencer({ render: render.render, keep: async () => {}, onError: () => {} });
    sequencer.push({ type: 'queued', job: job('a'), position: 1 });
    sequencer.push({ type: 'started', job: job('a') });
    sequencer.push({ type: 'queued', job: job('b'), position: 2 });
    // b's first event does not wait for a's slow one; a's second waits for a's first.
    await expect
      .poll(() => render.seen.map((event) => `${event.job.id}:${event.type}`))
      .toEqual(['a:queued', 'b:queued']);
    render.release('a:queued');
    await expect.poll(() => render.seen.length).toBe(3);
    expect(render.seen[2]).toMatchObject({ type: 'started', job: { id: 'a' } });
  });

  it('keeps the ids a render returns and hands them to the job’s later events', async () => {
    const render = gatedRender();
    const kept: Array<[string, DeliveryIds]> = [];
    const sequencer = createStatusSequencer({
      render: render.render,
      keep: async (jobId, ids) => void kept.push([jobId, ids]),
      onError: () => {},
    });
    render.answers.set('a:queued', { statusTs: '17.1' });
    sequencer.push({ type: 'queued', job: job('a', { channel: 'C1' }), position: 1 });
    // Read before the status message was posted: the event still carries no ids of its own.
    sequencer.push({ type: 'started', job: job('a', { channel: 'C1' }) });
    await expect.poll(() => render.seen.length).toBe(1);
    render.release('a:queued');
    await expect.poll(() => render.seen.length).toBe(2);
    expect(kept).toEqual([['a', { statusTs: '17.1' }]]);
    expect(render.seen[1]?.job.delivery).toEqual({ channel: 'C1', statusTs: '17.1' });
    expect(sequencer.current(job('a')).delivery).toEqual({ statusTs: '17.1' });
    render.release('a:started');
    await sequencer.drained('a', 1_000);
  });

  it('reports a failed render and goes on with the next event of the job', async () => {
    const failures: string[] = [];
    const seen: string[] = [];
    const sequencer = createStatusSequencer({
      render: async (event) => {
        seen.push(event.type);
        if (event.type === 'queued') throw new Error('Slack said no');
        return undefined;
      },
      keep: async () => {},
      onError: (error, event) => failures.push(`${event.type}: ${(error as Error).message}`),
    });
    sequencer.push({ type: 'queued', job: job('a'), position: 1 });
    sequencer.push({ type: 'cancelled', job: job('a') });
    await sequencer.drained('a', 1_000);
    expect(seen).toEqual(['queued', 'cancelled']);
    expect(failures).toEqual(['queued: Slack said no']);
  });

  it('waits at most as long as it is asked for a render that never ends', async () => {
    const sequencer = createStatusSequencer({
      render: () => new Promise<undefined>(() => {}),
      keep: async () => {},
      onError: () => {},
    });
    sequencer.push({ type: 'queued', job: job('a'), position: 1 });
    const started = performance.now();
    await sequencer.drained('a', 50);
    await sequencer.idle(50);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(sequencer.pending).toBe(1);
  });
});
