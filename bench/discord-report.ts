import type { FakeDiscordRequest } from '../test/fakes/fake-discord.js';
import { percentile } from './bench-stats.js';

export interface DiscordBenchResult {
  readonly settings: {
    interactions: number;
    spreadMs: number;
    latencyMs: number;
    concurrency: number;
    warmup: number;
  };
  /** Time spent compiling the spec schemas before the run (not measured in the latencies). */
  readonly specMs: number;
  readonly dispatched: readonly {
    readonly dispatchedAt: number;
    /** Callback arrival at the fake minus the dispatch; undefined if never answered. */
    readonly deferralMs: number | undefined;
    readonly callbackType: number | undefined;
  }[];
  readonly lastDispatchedAt: number;
  readonly finishedAt: number;
  /** Interactions whose image reached Discord. */
  readonly delivered: number;
  readonly requests: readonly FakeDiscordRequest[];
  readonly upstreamCalls: number;
  readonly violations: readonly string[];
  readonly bot: {
    readyRss: number;
    peakRss: number;
    maxRss: number;
    errors: number;
    warnings: readonly string[];
    loop: { p50: number; p99: number; max: number };
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** REST routes with their ids folded, for the call counts. */
function routeOf(request: FakeDiscordRequest): string {
  const path = request.path
    .replace(/^\/interactions\/\d+\/[^/]+/, '/interactions/:id/:token')
    .replace(/^\/webhooks\/(\d+)\/[^/]+/, '/webhooks/:app/:token')
    .replace(/\d{17,20}/g, ':id');
  return `${request.method} ${path}`;
}

/** Prints the report; `ok` when the deferral target is met, every interaction got its image and nothing was rejected. */
export function printDiscordReport(result: DiscordBenchResult): { ok: boolean } {
  const { settings } = result;
  const latencies = result.dispatched
    .map((entry) => entry.deferralMs)
    .filter((value) => value !== undefined)
    .sort((a, b) => a - b);
  const deferred = result.dispatched.filter((entry) => entry.callbackType === 5).length;
  const answered = result.dispatched.filter((entry) => entry.callbackType !== undefined).length;
  const p99 = percentile(latencies, 99);
  const byRoute = new Map<string, { count: number; limited: number; failed: number }>();
  for (const request of result.requests) {
    const key = routeOf(request);
    const entry = byRoute.get(key) ?? { count: 0, limited: 0, failed: 0 };
    entry.count++;
    if (request.status === 429) entry.limited++;
    else if ((request.status ?? 0) >= 400) entry.failed++;
    byRoute.set(key, entry);
  }
  const complete = deferred === settings.interactions && result.delivered === settings.interactions;
  const deferralOk = p99 < 100 && latencies.length === settings.interactions;
  const ok = deferralOk && complete && result.violations.length === 0 && result.bot.errors === 0;
  const lines = [
    `Discord bench: ${settings.interactions} /imagine interactions dispatched through the fake gateway within ${ms(result.lastDispatchedAt)} (spread ${settings.spreadMs} ms), fake image API latency ${settings.latencyMs} ms, IMAGE_API_CONCURRENCY ${settings.concurrency}, ${settings.warmup} warm-up interactions first; spec compiled beforehand in ${ms(result.specMs)}`,
    `deferral (callback received − dispatched): p50 ${ms(percentile(latencies, 50))}, p90 ${ms(percentile(latencies, 90))}, p99 ${ms(p99)}, max ${ms(latencies.at(-1) ?? Number.NaN)} — target p99 < 100 ms: ${p99 < 100 ? 'met' : 'MISSED'}`,
    `answered: ${answered}/${settings.interactions} interactions (${deferred} public deferrals, type 5)`,
    `delivered: ${result.delivered}/${settings.interactions} images edited into their replies (none lost: ${result.delivered === settings.interactions ? 'yes' : 'NO'}); last one ${ms(result.finishedAt)} after the first dispatch; ${result.upstreamCalls} upstream image calls`,
    `REST calls: ${[...byRoute]
      .sort((a, b) => b[1].count - a[1].count)
      .map(
        ([route, entry]) =>
          `${route} ${entry.count}${entry.limited ? ` (${entry.limited}×429)` : ''}${entry.failed ? ` (${entry.failed} failed)` : ''}`,
      )
      .join(', ')}`,
    `violations seen by the fakes: ${result.violations.length === 0 ? 'none' : result.violations.slice(0, 5).join('; ')}`,
    `bot process: RSS ${mb(result.bot.readyRss)} when ready, peak ${mb(result.bot.peakRss)} sampled every 10 ms (OS max RSS ${mb(result.bot.maxRss)}); event-loop delay p50 ${ms(result.bot.loop.p50)}, p99 ${ms(result.bot.loop.p99)}, max ${ms(result.bot.loop.max)}; ${result.bot.errors} error log lines${result.bot.warnings.length ? `; warnings: ${result.bot.warnings.join(' | ')}` : ''}`,
    `result: ${ok ? 'OK' : 'NOT OK'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return { ok };
}
