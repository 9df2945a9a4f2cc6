import type { BenchResult } from './queue-analysis.js';
import { distributionRow, round, table } from './queue-report.js';

/** The readable tables, what the overhead means, then the whole result as one JSON line. */
export function printReport(result: BenchResult): void {
  const { settings: s, distributions: d } = result;
  const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const out = (text = '') => process.stdout.write(`${text}\n`);
  out(
    `queue bench: ${s.jobs} jobs from ${s.members} members, concurrency ${s.concurrency}, fake latency ${s.latencyMs} ms`,
  );
  out(
    `fake image API: ${result.fakeWhere}; ${s.warmup} warm-up jobs before (not counted); store: ${result.storeWhere}`,
  );
  const { machine } = result;
  out(`machine: ${machine.cpus} CPUs, 1-minute load average ${machine.loadBefore} before, ${machine.loadAfter} after`);
  out();
  out(
    table([
      ['figure', 'value', 'target', ''],
      [
        'wall time (first submit → last delivered)',
        `${result.wallS} s`,
        `${(s.jobs / result.ideal).toFixed(1)} s ideal`,
        '',
      ],
      [
        'throughput',
        `${result.throughput} jobs/s`,
        `≥ ${round(0.95 * result.ideal)} (95 % of ${result.ideal})`,
        mark(result.targets.throughput),
      ],
      ['  of ideal', `${(result.ratio * 100).toFixed(1)} %`, '≥ 95 %', ''],
      ['queue + store overhead p99', `${d.overhead.p99.toFixed(2)} ms`, '< 5 ms', mark(result.targets.overhead)],
      ['slots busy (job holds a slot)', `${(result.slotBusy * 100).toFixed(1)} %`, '', ''],
      ['slots busy in upstream calls', `${(result.upstreamBusy * 100).toFixed(1)} %`, '', ''],
      ['peak RSS (sampled every 20 ms)', `${result.rss.peakMb} MB`, `baseline ${result.rss.baselineMb} MB`, ''],
      ['event loop busy (utilisation)', `${(result.loop.utilisation * 100).toFixed(1)} %`, '', ''],
      ['longest event-loop stall', `${result.loop.longestStallMs} ms`, '', ''],
    ]),
  );
  out();
  out(
    table([
      ['per job, ms', 'p50', 'p90', 'p99', 'max', 'mean'],
      distributionRow('overhead = before call + after call', d.overhead),
      distributionRow('  before call: slot taken → provider called', d.pre),
      distributionRow('  after call: provider returned → delivered', d.post),
      distributionRow('    store outputs, commit `generated`', d.storing),
      distributionRow('    deliver from stored bytes, commit', d.delivering),
      distributionRow('upstream call (HTTP client + fake latency)', d.upstream),
      distributionRow('submit() (validate, quota, insert, enqueue)', d.submit),
      distributionRow('queue wait: submitted → slot taken', d.wait),
    ]),
  );
  out();
  const callRows = (label: string, rows: BenchResult['store']) => [
    [label, 'calls', 'total ms', 'ms/job', 'max ms'],
    ...rows.map((row) => [
      row.method,
      String(row.calls),
      row.totalMs.toFixed(1),
      row.perJobMs.toFixed(3),
      row.maxMs.toFixed(2),
    ]),
  ];
  out(table(callRows('store method (until the promise settles)', result.store)));
  out();
  out(table(callRows('blob / measure call (until the promise settles)', result.blobs)));
  out();
  const c = result.checks;
  out(
    `checks: ${c.delivered}/${s.jobs} delivered, ${c.upstreamCalls} upstream calls, ${c.violations} wire-format violations, ` +
      `most calls in flight ${c.maxInFlight}/${s.concurrency}, each member's jobs in order: ${c.memberOrder} → ${c.ok ? 'ok' : 'FAILED'}` +
      (result.logged > 0 ? ` (${result.logged} engine warnings/errors)` : ''),
  );
  out(
    'overhead = (provider.generate called − job took its slot) + (job delivered − provider.generate returned). The slot' +
      "\nis taken at the job's first store write (`updateJob(state: running)`), a microtask after the queue starts it;" +
      '\n"delivered" is the `succeeded` event, after the job is stored `delivered`. It covers every store write and read,' +
      '\nthe blob write, the header read (measure), validation, events and the deliverer of the job, and any wait for the' +
      '\nevent loop while other jobs do the same; the HTTP client and the fake are the upstream call. submit() and the time' +
      '\na job waits for a slot are shown apart: the wait is the queue doing its job, and throughput covers the gaps.' +
      '\nAll jobs are submitted at once, one per event-loop turn (as platform events arrive), then the queue drains.',
  );
  out();
  out(JSON.stringify({ bench: 'queue', ...result }));
}
