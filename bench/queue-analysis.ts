import type { CallTimes } from './queue-probes.js';
import { type Distribution, distributionOf, round } from './queue-report.js';
import type { BatchResult } from './queue-run.js';
import type { BenchEngine } from './queue-setup.js';

export interface BenchSettings {
  readonly jobs: number;
  readonly members: number;
  readonly concurrency: number;
  readonly latencyMs: number;
  readonly warmup: number;
}

export interface BenchInput {
  readonly settings: BenchSettings;
  readonly bench: BenchEngine;
  readonly batch: BatchResult;
  readonly fakeStats: { readonly requests: number; readonly violations: number };
  readonly baselineRss: number;
  readonly sampled: { readonly peakRss: number; readonly longestStallMs: number; readonly loopUtilisation: number };
  readonly fakeWhere: string;
  /** Which store the engine ran on. */
  readonly storeWhere: string;
  /** `os.loadavg()[0]` before and after the measured batch: the machine's other work skews every figure. */
  readonly load: { readonly before: number; readonly after: number; readonly cpus: number };
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** Per job and overall figures from the probes; see `printReport` for what each one means. */
export function analyse(input: BenchInput) {
  const { settings, bench, batch } = input;
  const phaseAt = new Map<string, number>();
  for (const { at, event } of bench.events) {
    if (event.type === 'progress' && event.phase === 'delivering') phaseAt.set(event.job.id, at);
  }
  const perJob = batch.jobs.map((job) => {
    const delivering = phaseAt.get(job.jobId) ?? Number.NaN;
    const slot = bench.slotAt.get(job.jobId) ?? Number.NaN;
    const call = bench.probe.calls.get(job.prompt);
    const end = batch.endedAt.get(job.jobId) ?? Number.NaN;
    const callStart = call?.startedAt ?? Number.NaN;
    const callEnd = call?.endedAt ?? Number.NaN;
    return {
      pre: callStart - slot,
      post: end - callEnd,
      storing: delivering - callEnd,
      delivering: end - delivering,
      overhead: callStart - slot + (end - callEnd),
      upstream: callEnd - callStart,
      wait: slot - job.submittedAt,
      inSlot: end - slot,
      submit: job.submitMs,
      end,
    };
  });
  const wallMs = Math.max(...perJob.map((job) => job.end)) - batch.startedAt;
  const throughput = settings.jobs / (wallMs / 1000);
  const ideal = settings.concurrency / (settings.latencyMs / 1000);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const capacityMs = settings.concurrency * wallMs;
  const delivered = [...batch.outcomes.values()].filter((outcome) => outcome === 'succeeded').length;
  const distributions = {
    overhead: distributionOf(perJob.map((job) => job.overhead)),
    pre: distributionOf(perJob.map((job) => job.pre)),
    post: distributionOf(perJob.map((job) => job.post)),
    storing: distributionOf(perJob.map((job) => job.storing)),
    delivering: distributionOf(perJob.map((job) => job.delivering)),
    upstream: distributionOf(perJob.map((job) => job.upstream)),
    submit: distributionOf(perJob.map((job) => job.submit)),
    wait: distributionOf(perJob.map((job) => job.wait)),
  } satisfies Record<string, Distribution>;
  const checks = {
    delivered,
    upstreamCalls: input.fakeStats.requests - settings.warmup,
    violations: input.fakeStats.violations,
    maxInFlight: bench.probe.maxInFlight,
    memberOrder: membersRanInOrder(input),
    ok: false,
  };
  checks.ok =
    delivered === settings.jobs &&
    checks.upstreamCalls === settings.jobs &&
    checks.violations === 0 &&
    checks.maxInFlight <= settings.concurrency &&
    checks.memberOrder;
  return {
    settings,
    fakeWhere: input.fakeWhere,
    storeWhere: input.storeWhere,
    machine: { cpus: input.load.cpus, loadBefore: round(input.load.before), loadAfter: round(input.load.after) },
    wallS: round(wallMs / 1000, 3),
    throughput: round(throughput),
    ideal,
    ratio: round(throughput / ideal, 4),
    slotBusy: round(sum(perJob.map((job) => job.inSlot)) / capacityMs, 4),
    upstreamBusy: round(sum(perJob.map((job) => job.upstream)) / capacityMs, 4),
    distributions,
    store: callTable(input.bench.storeTimes, settings.jobs),
    blobs: callTable(input.bench.blobTimes, settings.jobs),
    rss: { baselineMb: mb(input.baselineRss), peakMb: mb(input.sampled.peakRss) },
    loop: { longestStallMs: round(input.sampled.longestStallMs), utilisation: round(input.sampled.loopUtilisation, 3) },
    checks,
    targets: { throughput: throughput >= 0.95 * ideal, overhead: distributions.overhead.p99 < 5 },
    logged: bench.logged.length,
  };
}

export type BenchResult = ReturnType<typeof analyse>;

function callTable(times: CallTimes, jobs: number) {
  return [...times.byMethod.entries()]
    .map(([method, entry]) => ({
      method,
      calls: entry.calls,
      totalMs: round(entry.totalMs),
      perJobMs: round(entry.totalMs / jobs, 3),
      maxMs: round(entry.maxMs),
    }))
    .sort((a, b) => b.totalMs - a.totalMs);
}

/** Each member's jobs started in the order they were submitted (the queue's FIFO per member). */
function membersRanInOrder(input: BenchInput): boolean {
  const byId = new Map(input.batch.jobs.map((job) => [job.jobId, job]));
  const lastIndex = new Map<string, number>();
  for (const { event } of input.bench.events) {
    const job = event.type === 'started' ? byId.get(event.job.id) : undefined;
    if (!job) continue;
    if ((lastIndex.get(job.memberId) ?? -1) > job.index) return false;
    lastIndex.set(job.memberId, job.index);
  }
  return true;
}
