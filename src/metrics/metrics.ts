import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Platform } from '../core/records.js';
import { boundedLabel, closedLabel } from './bounded-labels.js';

/** Buckets for a generation or a whole job: image models take 1–300 s. */
const jobBuckets = [0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 600];
/** Buckets for an acknowledgement: Slack allows 3 s, Discord's deferral must land well inside 3 s. */
const ackBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];

export interface MetricsOptions {
  /** The catalogue's model ids: the only values the `model` label takes (anything else is `other`). */
  readonly models: readonly string[];
  /** Every outcome and error code a label may carry (closed sets), the rest is `other`. */
  readonly outcomes: readonly string[];
  readonly errorCodes: readonly string[];
  /** Node's process metrics (event-loop lag, heap, RSS, handles); on by default. */
  readonly processMetrics?: boolean;
}

/** Live counts read at scrape time: jobs queued and running, per platform. */
export type QueueCounts = () => Promise<ReadonlyArray<{ platform: Platform; state: string; count: number }>>;

/**
 * Every metric threadpaint exports, on a registry of its own (not prom-client's global one, so several can live in
 * one process, as tests do). Label values come from closed sets or are bounded; none is a member, a channel or a
 * prompt.
 */
export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'threadpaint_' });
  const model = closedLabel(options.models);
  const outcome = closedLabel(options.outcomes);
  const code = closedLabel(options.errorCodes);
  const platform = closedLabel(['discord', 'slack', 'local']);
  const call = boundedLabel(200);
  const callOutcome = closedLabel(['ok', 'rate_limited', 'failed']);
  const registers = { registers: [registry] };

  const jobs = new Counter({
    name: 'threadpaint_jobs_total',
    help: 'Jobs that ended, by outcome (the final state), model and platform.',
    labelNames: ['outcome', 'model', 'platform'] as const,
    ...registers,
  });
  const jobDuration = new Histogram({
    name: 'threadpaint_job_duration_seconds',
    help: 'From the request to the result posted, for delivered jobs.',
    labelNames: ['model', 'platform'] as const,
    buckets: jobBuckets,
    ...registers,
  });
  const queueWait = new Histogram({
    name: 'threadpaint_queue_wait_seconds',
    help: 'From the request to its job starting (time in the queue).',
    labelNames: ['platform'] as const,
    buckets: jobBuckets,
    ...registers,
  });
  const costUnits = new Counter({
    name: 'threadpaint_cost_units_total',
    help: 'Cost units charged to the usage ledger, by model: what a dashboard shows as spend.',
    labelNames: ['model'] as const,
    ...registers,
  });
  const quotaRefusals = new Counter({
    name: 'threadpaint_quota_refusals_total',
    help: 'Requests refused by a quota before any job was made.',
    labelNames: ['platform'] as const,
    ...registers,
  });
  const upstreamRequests = new Counter({
    name: 'threadpaint_upstream_requests_total',
    help: 'Calls to the image API, by model.',
    labelNames: ['model'] as const,
    ...registers,
  });
  const upstreamErrors = new Counter({
    name: 'threadpaint_upstream_errors_total',
    help: 'Failed calls to the image API, by error code.',
    labelNames: ['code'] as const,
    ...registers,
  });
  const upstreamRetries = new Counter({
    name: 'threadpaint_upstream_retries_total',
    help: 'Calls to the image API sent again (a rate limit or a 503 that said when to come back).',
    labelNames: ['code'] as const,
    ...registers,
  });
  const upstreamDuration = new Histogram({
    name: 'threadpaint_upstream_duration_seconds',
    help: 'One call to the image API, from the request sent to the answer read.',
    labelNames: ['model'] as const,
    buckets: jobBuckets,
    ...registers,
  });
  const bytesReceived = new Counter({
    name: 'threadpaint_upstream_bytes_received_total',
    help: 'Image bytes received from the image API (decoded).',
    labelNames: ['model'] as const,
    ...registers,
  });
  const bytesDelivered = new Counter({
    name: 'threadpaint_delivered_bytes_total',
    help: 'Image bytes handed to a platform to post.',
    labelNames: ['platform'] as const,
    ...registers,
  });
  const reencodes = new Counter({
    name: 'threadpaint_reencodes_total',
    help: 'Generated images re-encoded to fit a platform upload cap.',
    ...registers,
  });
  const apiCalls = new Counter({
    name: 'threadpaint_platform_api_calls_total',
    help: 'Calls to Discord REST or the Slack Web API, by route or method and outcome.',
    labelNames: ['platform', 'call', 'outcome'] as const,
    ...registers,
  });
  const rateLimits = new Counter({
    name: 'threadpaint_platform_rate_limits_total',
    help: 'Rate limits hit (a Discord 429, a Slack ratelimited), by route or method.',
    labelNames: ['platform', 'call'] as const,
    ...registers,
  });
  const ackLatency = new Histogram({
    name: 'threadpaint_platform_ack_seconds',
    help: 'From a request arriving to its acknowledgement (Slack: the HTTP answer; Discord: the interaction callback).',
    labelNames: ['platform'] as const,
    buckets: ackBuckets,
    ...registers,
  });

  let queueCounts: QueueCounts | undefined;
  const queueDepth = new Gauge({
    name: 'threadpaint_queue_depth',
    help: 'Jobs waiting to run, per platform.',
    labelNames: ['platform'] as const,
    ...registers,
  });
  const running = new Gauge({
    name: 'threadpaint_jobs_running',
    help: 'Jobs running (an upstream call or a delivery under way), per platform.',
    labelNames: ['platform'] as const,
    ...registers,
  });

  async function readQueue(): Promise<void> {
    if (!queueCounts) return;
    queueDepth.reset();
    running.reset();
    for (const name of ['discord', 'slack', 'local'] as const) {
      queueDepth.set({ platform: name }, 0);
      running.set({ platform: name }, 0);
    }
    for (const row of await queueCounts()) {
      const gauge = row.state === 'queued' ? queueDepth : row.state === 'running' ? running : undefined;
      gauge?.inc({ platform: platform(row.platform) }, row.count);
    }
  }

  return {
    registry,
    contentType: registry.contentType,
    /** Counts of queued and running jobs, read at each scrape (from the store, the truth across processes). */
    readQueueFrom(counts: QueueCounts): void {
      queueCounts = counts;
    },
    async render(): Promise<string> {
      await readQueue();
      return registry.metrics();
    },
    jobEnded(job: {
      outcome: string;
      model: string;
      platform: string;
      durationSeconds: number;
      queuedSeconds?: number;
      costUnits: number;
    }): void {
      const labels = { model: model(job.model), platform: platform(job.platform) };
      jobs.inc({ ...labels, outcome: outcome(job.outcome) });
      if (job.outcome === 'delivered') jobDuration.observe(labels, job.durationSeconds);
      if (job.costUnits > 0) costUnits.inc({ model: labels.model }, job.costUnits);
    },
    jobStarted(job: { platform: string; queuedSeconds: number }): void {
      queueWait.observe({ platform: platform(job.platform) }, job.queuedSeconds);
    },
    quotaRefused(from: string): void {
      quotaRefusals.inc({ platform: platform(from) });
    },
    upstreamCall(result: { model: string; seconds: number; code?: string }): void {
      const labels = { model: model(result.model) };
      upstreamRequests.inc(labels);
      upstreamDuration.observe(labels, result.seconds);
      if (result.code !== undefined) upstreamErrors.inc({ code: code(result.code) });
    },
    upstreamBytes(from: string, bytes: number): void {
      bytesReceived.inc({ model: model(from) }, bytes);
    },
    upstreamRetried(reason: string): void {
      upstreamRetries.inc({ code: code(reason) });
    },
    delivered(to: string, bytes: number): void {
      bytesDelivered.inc({ platform: platform(to) }, bytes);
    },
    reencoded(): void {
      reencodes.inc();
    },
    apiCall(observed: { platform: string; call: string; outcome: string }): void {
      const labels = { platform: platform(observed.platform), call: call(observed.call) };
      apiCalls.inc({ ...labels, outcome: callOutcome(observed.outcome) });
      if (observed.outcome === 'rate_limited') rateLimits.inc(labels);
    },
    acknowledged(from: string, seconds: number): void {
      ackLatency.observe({ platform: platform(from) }, seconds);
    },
  };
}

export type ThreadpaintMetrics = ReturnType<typeof createMetrics>;
