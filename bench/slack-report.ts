import { availableParallelism } from 'node:os';
import type { SignedResponse } from '../test/fakes/fake-slack-signer.js';
import { percentile } from './bench-stats.js';
import type { AppChildReply } from './slack-app-child.js';
import type { CompletionStats } from './slack-fakes-child.js';

export interface SlackBenchResult {
  readonly settings: { commands: number; spreadMs: number; latencyMs: number; concurrency: number; warmup: number };
  readonly responses: readonly (SignedResponse & { sentAt: number })[];
  readonly lastSentAt: number;
  readonly completion: CompletionStats;
  /** 1-minute load average around the measured burst. */
  readonly load: { readonly before: number; readonly after: number };
  readonly app: Omit<Extract<AppChildReply, { kind: 'stopped' }>, 'kind'> & { readonly readyRss: number };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const spread = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))}, p90 ${ms(percentile(sorted, 90))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? Number.NaN)}`;
};

/** Prints the report; `ok` when the ack target is met, every command completed and no fake saw a violation. */
export function printSlackReport(result: SlackBenchResult): { ok: boolean } {
  const { settings, responses, completion, app } = result;
  const latencies = responses.map((response) => response.ms).sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  const statuses = new Map<number, number>();
  for (const response of responses) statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  const completed =
    !completion.timedOut &&
    completion.doneRoots === settings.commands &&
    completion.uploadedRoots === settings.commands;
  const ackOk = p99 < 100 && (statuses.get(200) ?? 0) === settings.commands;
  const ok = ackOk && completed && completion.violations.length === 0;
  const calls = Object.entries(completion.callsByMethod).map(
    ([method, entry]) =>
      `${method} ${entry.count}${entry.limited ? ` (${entry.limited}×429)` : ''}${entry.failed ? ` (${entry.failed} failed)` : ''}`,
  );
  const lines = [
    `Slack bench: ${settings.commands} signed /imagine within ${ms(result.lastSentAt)} (spread ${settings.spreadMs} ms), fake image API latency ${settings.latencyMs} ms, IMAGE_API_CONCURRENCY ${settings.concurrency}, ${settings.warmup} warm-up commands first`,
    `HTTP ack seen by the sender: ${spread(latencies)} — target p99 < 100 ms: ${p99 < 100 ? 'met' : 'MISSED'}`,
    `HTTP ack measured in the app (request → last byte): ${spread(app.serverAcks)}`,
    `HTTP statuses: ${[...statuses].map(([status, count]) => `${status}×${count}`).join(', ')}`,
    `completed: ${completion.roots}/${settings.commands} root messages posted, ${completion.doneRoots}/${settings.commands} updated to done, ${completion.uploadedRoots}/${settings.commands} uploads completed in their threads${completion.timedOut ? ' (TIMED OUT)' : ''}; last one ${ms(completion.lastDoneMs)} after the first command; ${completion.upstreamCalls} upstream image calls`,
    `Web API calls: ${calls.join(', ')}`,
    `violations seen by the fakes: ${completion.violations.length === 0 ? 'none' : completion.violations.slice(0, 5).join('; ')}`,
    `app process: RSS ${mb(app.readyRss)} when ready, peak ${mb(app.peakRss)} sampled every 10 ms (OS max RSS ${mb(app.maxRss)}); event-loop delay p50 ${ms(app.loop.p50)}, p99 ${ms(app.loop.p99)}, max ${ms(app.loop.max)}; ${app.errors} error log lines${app.warnings.length ? `; warnings: ${app.warnings.join(' | ')}` : ''}`,
    `machine: ${availableParallelism()} CPUs, load average ${result.load.before.toFixed(2)} before → ${result.load.after.toFixed(2)} after (the sender, the app and the fakes share them)`,
    `result: ${ok ? 'OK' : 'NOT OK'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return { ok };
}
