import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { JobEvent } from '../src/core/jobs/job-events.js';
import type { BenchEngine } from './queue-setup.js';

export interface SubmittedJob {
  readonly index: number;
  readonly memberId: string;
  readonly prompt: string;
  readonly jobId: string;
  readonly submittedAt: number;
  readonly submitMs: number;
}

export interface BatchResult {
  readonly jobs: readonly SubmittedJob[];
  readonly startedAt: number;
  /** When each job ended (`succeeded`, or a failure), by job id. */
  readonly endedAt: ReadonlyMap<string, number>;
  readonly outcomes: ReadonlyMap<string, JobEvent['type']>;
}

const terminal = new Set<JobEvent['type']>(['succeeded', 'failed', 'cancelled', 'interrupted', 'delivery_failed']);

/**
 * Submits `count` /imagine jobs back to back (member `i % members`, each a new conversation)
 * and resolves once every one has ended; rejects past `deadline` (a `performance.now()` time).
 */
export async function runBatch(
  bench: BenchEngine,
  batch: { readonly label: string; readonly count: number; readonly members: number; readonly deadline: number },
): Promise<BatchResult> {
  const endedAt = new Map<string, number>();
  const outcomes = new Map<string, JobEvent['type']>();
  const ours = new Set<string>();
  let submitting = true;
  let resolveAll: () => void = () => {};
  const allEnded = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const check = () => {
    if (!submitting && endedAt.size === ours.size) resolveAll();
  };
  const unsubscribe = bench.engine.onEvent((event) => {
    if (!terminal.has(event.type)) return;
    endedAt.set(event.job.id, performance.now());
    outcomes.set(event.job.id, event.type);
    if (ours.has(event.job.id)) check();
  });

  const jobs: SubmittedJob[] = [];
  const startedAt = performance.now();
  for (let index = 0; index < batch.count; index++) {
    // One submit per event-loop turn, as platform events arrive. The store's methods are synchronous work behind
    // resolved promises: awaited back to back they never yield, and 1,000 of them hold off all I/O for ~350 ms.
    if (index > 0) await nextTurn();
    const memberId = `${batch.label}-member-${String(index % batch.members).padStart(2, '0')}`;
    const prompt = `${batch.label} job ${index} for ${memberId}: a lighthouse at dusk`;
    const submittedAt = performance.now();
    const result = await bench.engine.submit({
      platform: 'local',
      workspaceId: 'bench',
      memberId,
      idempotencyKey: `bench:${batch.label}:${index}`,
      action: 'imagine',
      text: prompt,
      channelId: 'bench-channel',
      delivery: { channelId: 'bench-channel' },
    });
    jobs.push({
      index,
      memberId,
      prompt,
      jobId: result.job.id,
      submittedAt,
      submitMs: performance.now() - submittedAt,
    });
    ours.add(result.job.id);
  }
  submitting = false;
  // Jobs that ended while others were still being submitted are counted too.
  for (const id of [...endedAt.keys()]) if (!ours.has(id)) endedAt.delete(id);
  check();

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${batch.label}: only ${endedAt.size} of ${batch.count} jobs ended before the deadline`)),
      Math.max(0, batch.deadline - performance.now()),
    );
  });
  try {
    await Promise.race([allEnded, timeout]);
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
  return { jobs, startedAt, endedAt, outcomes };
}
