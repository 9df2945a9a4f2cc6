/**
 * `npm run bench:queue`: 1,000 /imagine jobs from 50 members through the conversation engine's queue, against the
 * loopback fake image API at 200 ms latency, 8 upstream calls at once. Real SQLite store and blob files in a temp
 * dir — or, with `--database-url` (or `DATABASE_URL`), the PostgreSQL store in a schema of its own, dropped after —
 * the real HTTP client; the fake runs in a child process unless `--fake in-process`.
 *
 *   node --expose-gc dist/bench/queue-bench.js [--jobs 1000] [--members 50] [--concurrency 8] [--latency 200]
 *     [--warmup 16] [--fake child|in-process] [--database-url postgres://…] [--keep] [--strict]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { analyse, type BenchSettings } from './queue-analysis.js';
import { type FakeMode, startBenchFake } from './queue-fake.js';
import { benchSchema } from './queue-postgres.js';
import { printReport } from './queue-print.js';
import { sampleProcess } from './queue-probes.js';
import { runBatch } from './queue-run.js';
import { createBenchEngine } from './queue-setup.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    jobs: { type: 'string', default: '1000' },
    members: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '8' },
    latency: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '16' },
    fake: { type: 'string', default: 'child' },
    'database-url': { type: 'string', default: process.env['DATABASE_URL'] ?? '' },
    keep: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
  },
});
const settings: BenchSettings = {
  jobs: Number(values.jobs),
  members: Number(values.members),
  concurrency: Number(values.concurrency),
  latencyMs: Number(values.latency),
  warmup: Number(values.warmup),
};
const fakeMode: FakeMode = values.fake === 'in-process' ? 'in-process' : 'child';
/** The whole run stops here, whatever happens: a hung bench is worse than a failed one. */
const deadline = performance.now() + 110_000;

const gc = (globalThis as { gc?: () => void }).gc;
const fake = await startBenchFake(fakeMode, settings.latencyMs);
const dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-queue-bench-'));
const postgres = values['database-url'] ? benchSchema(values['database-url']) : undefined;
const bench = await createBenchEngine({
  dataDir,
  apiUrl: fake.url,
  concurrency: settings.concurrency,
  ...(postgres ? { postgres } : {}),
});
const storeWhere = postgres
  ? `PostgreSQL (schema ${postgres.schema}, dropped after)`
  : 'SQLite + blob files in a temp dir';
let exitCode = 0;
try {
  await bench.engine.start();
  if (settings.warmup > 0) {
    await runBatch(bench, { label: 'warmup', count: settings.warmup, members: settings.warmup, deadline });
  }
  gc?.();
  const baselineRss = process.memoryUsage.rss();
  for (const times of [bench.storeTimes, bench.blobTimes]) times.byMethod.clear();
  const loadBefore = loadavg()[0] ?? 0;
  const sampler = sampleProcess(20);
  const batch = await runBatch(bench, { label: 'bench', count: settings.jobs, members: settings.members, deadline });
  const sampled = sampler.stop();
  const load = { before: loadBefore, after: loadavg()[0] ?? 0, cpus: availableParallelism() };
  const fakeStats = await fake.stats();
  const result = analyse({
    settings,
    bench,
    batch,
    fakeStats,
    baselineRss,
    sampled,
    fakeWhere: fake.where,
    storeWhere,
    load,
  });
  printReport(result);
  if (values.strict && !(result.targets.throughput && result.targets.overhead && result.checks.ok)) exitCode = 1;
} catch (error) {
  process.stderr.write(`queue bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  for (const line of bench.logged.slice(0, 10)) process.stderr.write(`  ${line}\n`);
  exitCode = 1;
} finally {
  await bench.close();
  await fake.close();
  if (postgres && !values.keep) await postgres.drop();
  if (values.keep) process.stdout.write(`data kept in ${dataDir}${postgres ? ` and schema ${postgres.schema}` : ''}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
