/**
 * `npm run bench:scale`: the scaled deployment's figures. Workers are real `threadpaint worker` processes (from
 * dist/) on Redis and PostgreSQL (a schema and a key prefix of the bench's own, removed after); this process plays
 * the gateway (the engine with the BullMQ queue in the gateway role: validate, persist, hand over). The fake image
 * API runs in a child process at a fixed latency; results are small images; the playground platform delivers
 * (nothing to post), so the figures are the queue's, the store's and the workers'.
 *
 *   node dist/bench/scale-bench.js [--latency 500] [--worker-concurrency 8] [--cap 64] [--workers 1,2,4]
 *     [--rounds 6] [--sequential 30] [--database-url postgres://…] [--redis-url redis://…]
 *
 * Prints: throughput with 1, 2 and 4 workers (and the speed-up), the workers' CPU per job, the gateway's submit
 * (persist + hand-over) p50/p99 idle and while the workers are saturated, and the per-job queue + store overhead
 * on PostgreSQL + BullMQ against SQLite + the in-process queue (one job at a time, end to end, less the latency).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type AppEngine, openEngine } from '../src/app/open-engine.js';
import { createModelCatalogue } from '../src/core/models/model-catalogue.js';
import type { PlatformOutbound } from '../src/core/platform/chat-platform.js';
import { createImageDownloader } from '../src/download/image-downloader.js';
import { createImagePipeline } from '../src/images/image-pipeline.js';
import { createHttpImageProvider } from '../src/providers/http-image-provider.js';
import { createOfflineImageProvider } from '../src/providers/offline-renderer.js';
import { bullmqQueue } from '../src/queue/bullmq-queue.js';
import { openJobDispatch } from '../src/queue/job-dispatch.js';
import { connectRedis } from '../src/queue/redis-connection.js';
import { openPostgresStore } from '../src/store/postgres-store.js';
import { startFakeSlack } from '../test/fakes/fake-slack.js';
import { slashCommand } from '../test/fakes/fake-slack-payloads.js';
import { createSlackSigner } from '../test/fakes/fake-slack-signer.js';
import { percentile } from './bench-stats.js';
import { startBenchFake } from './queue-fake.js';
import { benchSchema } from './queue-postgres.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    latency: { type: 'string', default: '500' },
    'worker-concurrency': { type: 'string', default: '8' },
    cap: { type: 'string', default: '64' },
    workers: { type: 'string', default: '1,2,4' },
    rounds: { type: 'string', default: '6' },
    sequential: { type: 'string', default: '30' },
    'database-url': {
      type: 'string',
      default: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    'redis-url': { type: 'string', default: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
  },
});
const latencyMs = Number(values.latency);
const workerConcurrency = Number(values['worker-concurrency']);
const cap = Number(values.cap);
const workerCounts = values.workers.split(',').map(Number);
const rounds = Number(values.rounds);
const sequential = Number(values.sequential);
const databaseUrl = values['database-url'];
const redisUrl = values['redis-url'];
const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/bin/threadpaint.js');
const clockTicks = 100;

const fake = await startBenchFake('child', latencyMs);
// Slack for the gateway process whose acknowledgements are measured (the workers deliver its jobs there too).
const slack = await startFakeSlack({ recordArgs: false });
const signingSecret = 'bench-scale-signing-secret';
const schema = benchSchema(databaseUrl);
const prefix = `bench-scale-${process.pid}`;
const quiet = {
  info: () => {},
  warn: () => {},
  error: (details: object, message: string) => console.error(message, details),
};
const noQuota = { memberPerHour: 0 };
const localOutbound: PlatformOutbound = {
  name: 'local',
  deliver: async () => undefined,
  renderStatus: async () => undefined,
  awaitsStatus: () => false,
};
let keys = 0;
const inbound = (member: string, text: string) => ({
  platform: 'local' as const,
  workspaceId: '',
  memberId: member,
  idempotencyKey: `local:bench-${process.pid}-${++keys}`,
  action: 'imagine' as const,
  text,
  channelId: 'playground',
  delivery: {},
});

/** The gateway: the engine on PostgreSQL with the BullMQ queue in the gateway role (it runs no job). */
const redis = await connectRedis(redisUrl);
const storage = await openPostgresStore({ url: databaseUrl, schema: schema.schema });
const factory = bullmqQueue({
  role: 'gateway',
  redis,
  dispatch: await openJobDispatch({ url: databaseUrl, schema: schema.schema }),
  prefix,
  globalConcurrency: cap,
  workerConcurrency,
  staleRunningMs: 660_000,
  logger: quiet,
});
const gateway: AppEngine = openEngine({
  storage,
  provider: createOfflineImageProvider({ maxLongSide: 64 }),
  catalogue: createModelCatalogue(),
  logger: quiet,
  queue: factory,
  settings: { defaultModel: 'gemini-2.5-flash-image', quota: noQuota, concurrency: cap },
});
gateway.attachPlatform(localOutbound);
await gateway.start();
const db = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${schema.schema}`, max: 2 });

interface Worker {
  readonly child: ChildProcess;
  cpuSeconds(): number;
}

async function startWorker(command: 'worker' | 'gateway' = 'worker'): Promise<Worker & { url: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-scale-worker-'));
  const child = spawn(process.execPath, [entry, command], {
    env: {
      PATH: process.env['PATH'] ?? '',
      IMAGE_API_URL: fake.url,
      IMAGE_API_KEY: 'sk-test',
      ALLOW_PRIVATE_DOWNLOADS: 'true',
      PLAYGROUND: 'true',
      PORT: '0',
      LOG_LEVEL: 'error',
      DATA_DIR: dataDir,
      DATA_DIR_MIN_FREE_MB: '0',
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema.schema,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY: String(workerConcurrency),
      IMAGE_API_CONCURRENCY: String(cap),
      QUOTA_MEMBER_PER_HOUR: '0',
      MALLOC_ARENA_MAX: '2',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const found = /health: (http:\/\/\S+)\/healthz/.exec(line)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was up`)));
  });
  return {
    child,
    url,
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / clockTicks;
    },
  };
}

async function stopWorkers(workers: readonly Worker[]): Promise<void> {
  await Promise.all(
    workers.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

async function delivered(ids: readonly string[]): Promise<number> {
  const result = await db.query<{ count: string }>(
    `SELECT count(*) FROM jobs WHERE id = ANY($1) AND state IN ('delivered', 'failed', 'delivery_failed', 'interrupted', 'cancelled')`,
    [ids],
  );
  return Number(result.rows[0]?.count ?? 0);
}

async function waitAll(ids: readonly string[]): Promise<number> {
  while ((await delivered(ids)) < ids.length) await new Promise((resolve) => setTimeout(resolve, 5));
  const result = await db.query<{ last: string; failed: string }>(
    `SELECT max(finished_at) AS last, count(*) FILTER (WHERE state <> 'delivered') AS failed FROM jobs WHERE id = ANY($1)`,
    [ids],
  );
  if (Number(result.rows[0]?.failed) > 0) {
    const failed = await db.query<{ platform: string; state: string; error: string | null }>(
      `SELECT platform, state, error FROM jobs WHERE id = ANY($1) AND state <> 'delivered'`,
      [ids],
    );
    for (const row of failed.rows) console.error(`  a ${row.platform} job ended ${row.state}: ${row.error ?? ''}`);
  }
  return Number(result.rows[0]?.last);
}

/** Submits `count` jobs of distinct members, 32 at a time; each submit's latency. */
async function submitMany(count: number, tag: string): Promise<{ ids: string[]; latencies: number[] }> {
  const ids: string[] = [];
  const latencies: number[] = [];
  for (let from = 0; from < count; from += 32) {
    const batch = Array.from({ length: Math.min(32, count - from) }, (_, index) => from + index);
    await Promise.all(
      batch.map(async (index) => {
        const started = performance.now();
        const result = await gateway.submit(
          inbound(`${tag}-m${index}`, `a lighthouse ${tag} ${index} --seed ${index}`),
        );
        latencies.push(performance.now() - started);
        ids.push(result.job.id);
      }),
    );
  }
  return { ids, latencies };
}

/** A signed `/imagine` to the gateway process's `/slack/events`: the time to Slack's acknowledgement. */
let slackGateway: { url: string } | undefined;
async function slackAck(index: number): Promise<number> {
  const signer = createSlackSigner({ url: `${slackGateway?.url}/slack/events`, secret: signingSecret });
  const answer = await signer.command(
    slashCommand(slack, { text: `ack lighthouse ${index}`, user: index % 2 ? 'U1' : 'U2' }),
  );
  if (answer.status !== 200) throw new Error(`the gateway answered ${answer.status}`);
  return answer.ms;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);

console.log(
  `bench:scale — fake image API at ${latencyMs} ms (child process), WORKER_CONCURRENCY=${workerConcurrency}, cap ${cap}, ${availableParallelism()} CPUs`,
);

// Idle submit latency: no worker running, one at a time.
const idle: number[] = [];
for (let index = 0; index < 50; index++) {
  const started = performance.now();
  await gateway.submit(inbound(`idle-${index}`, `idle lighthouse ${index}`));
  idle.push(performance.now() - started);
}
const gatewayProcess = await startWorker('gateway');
slackGateway = gatewayProcess;
const ackIdle: number[] = [];
for (let index = 0; index < 40; index++) ackIdle.push(await slackAck(index));
const allJobs = async () => (await db.query<{ id: string }>('SELECT id FROM jobs')).rows.map((row) => row.id);
{
  const warm = await startWorker();
  await waitAll(await allJobs());
  await stopWorkers([warm]);
}
let ackSaturated: number[] = [];

const throughput: Array<{ workers: number; jobs: number; seconds: number; perSecond: number; cpuPerJob: number }> = [];
let saturated: number[] = [];
for (const count of workerCounts) {
  // The backlog is queued first (the gateway's submits are serialised per workspace, and must not be what is
  // measured); the workers then start together, and the clock runs from the first job started to the last ended.
  const jobs = workerConcurrency * count * rounds;
  const { ids } = await submitMany(jobs, `w${count}`);
  const workers = await Promise.all(Array.from({ length: count }, () => startWorker()));
  const cpuBefore = workers.map((worker) => worker.cpuSeconds());
  const during: number[] = [];
  if (count === Math.max(...workerCounts)) {
    // What a member's request waits for at the gateway while every worker is busy: one at a time, as idle.
    for (let index = 0; index < 30 && (await delivered(ids)) < ids.length * 0.8; index++) {
      const started = performance.now();
      const result = await gateway.submit(inbound(`busy-${index}`, `busy lighthouse ${index}`));
      during.push(performance.now() - started);
      ids.push(result.job.id);
    }
    saturated = during;
    const acks: number[] = [];
    for (let index = 0; index < 40 && (await delivered(ids)) < ids.length * 0.9; index++)
      acks.push(await slackAck(100 + index));
    ackSaturated = acks;
  }
  await waitAll(ids);
  const cpu = workers.reduce((sum, worker, index) => sum + worker.cpuSeconds() - (cpuBefore[index] ?? 0), 0);
  const span = await db.query<{ first: string; last: string }>(
    'SELECT min(started_at) AS first, max(finished_at) AS last FROM jobs WHERE id = ANY($1)',
    [ids],
  );
  const seconds = (Number(span.rows[0]?.last) - Number(span.rows[0]?.first)) / 1000;
  const total = ids.length;
  throughput.push({
    workers: count,
    jobs: total,
    seconds,
    perSecond: total / seconds,
    cpuPerJob: (cpu / total) * 1000,
  });
  // The acknowledgement probes' own jobs end before the workers stop (a stop would interrupt them).
  await waitAll(await allJobs());
  await stopWorkers(workers);
}

// One job at a time, end to end: PostgreSQL + BullMQ (one worker) against SQLite + the in-process queue.
const overheadPg: number[] = [];
{
  const [worker] = await Promise.all([startWorker()]);
  // The Slack jobs of the acknowledgement probes finish first: nothing else runs beside the measured jobs.
  await waitAll(await allJobs());
  for (let index = 0; index < sequential; index++) {
    const started = Date.now();
    const result = await gateway.submit(inbound('seq-pg', `sequential lighthouse ${index}`));
    const finished = await waitAll([result.job.id]);
    overheadPg.push(finished - started - latencyMs);
  }
  if (worker) await stopWorkers([worker]);
}
const overheadSqlite: number[] = [];
{
  const dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-scale-sqlite-'));
  const engine = openEngine({
    dataDir,
    provider: createHttpImageProvider({
      baseUrl: fake.url,
      apiKey: 'sk-test',
      pipeline: createImagePipeline(),
      downloader: createImageDownloader({ allowPrivate: true }),
    }),
    catalogue: createModelCatalogue(),
    logger: quiet,
    settings: { defaultModel: 'gemini-2.5-flash-image', quota: noQuota, concurrency: cap },
  });
  engine.attachPlatform(localOutbound);
  await engine.start();
  for (let index = 0; index < sequential; index++) {
    const started = Date.now();
    const result = await engine.submit(inbound('seq-sqlite', `sequential lighthouse ${index}`));
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((event) => {
        if (event.job.id === result.job.id && event.type === 'succeeded') {
          off();
          resolve();
        }
      });
    });
    overheadSqlite.push(Date.now() - started - latencyMs);
  }
  await engine.close();
  rmSync(dataDir, { recursive: true, force: true });
}

console.log('\nthroughput (a backlog of jobs of distinct members, first start to last end):');
for (const row of throughput) {
  const ideal = ((workerConcurrency * row.workers) / latencyMs) * 1000;
  console.log(
    `  ${row.workers} worker(s): ${row.jobs} jobs in ${row.seconds.toFixed(2)} s = ${row.perSecond.toFixed(1)} jobs/s (ideal ${ideal.toFixed(0)}), workers' CPU ${row.cpuPerJob.toFixed(1)} ms per job`,
  );
}
const first = throughput[0];
const lastRow = throughput.at(-1);
if (first && lastRow && lastRow !== first)
  console.log(
    `  speed-up ${first.workers} → ${lastRow.workers} workers: ${(lastRow.perSecond / first.perSecond).toFixed(2)}×`,
  );
const idleSorted = sorted(idle);
const satSorted = sorted(saturated);
console.log('\ngateway submit, one at a time (validate, persist, hand over: what an ack or a deferral waits for):');
console.log(`  idle:      p50 ${ms(percentile(idleSorted, 50))}  p99 ${ms(percentile(idleSorted, 99))}`);
console.log(
  `  saturated: p50 ${ms(percentile(satSorted, 50))}  p99 ${ms(percentile(satSorted, 99))}  (${lastRow?.workers} workers busy; ${satSorted.length} submits)`,
);
const ackIdleSorted = sorted(ackIdle);
const ackSatSorted = sorted(ackSaturated);
console.log('\nSlack acknowledgement at the gateway process (signed /imagine to its /slack/events, one at a time):');
console.log(`  idle:      p50 ${ms(percentile(ackIdleSorted, 50))}  p99 ${ms(percentile(ackIdleSorted, 99))}`);
console.log(
  `  saturated: p50 ${ms(percentile(ackSatSorted, 50))}  p99 ${ms(percentile(ackSatSorted, 99))}  (${ackSatSorted.length} while ${lastRow?.workers} workers are busy; ratio p99 ${(percentile(ackSatSorted, 99) / percentile(ackIdleSorted, 99)).toFixed(2)}×)`,
);
const median = (values: readonly number[]) => percentile(sorted(values), 50);
console.log(
  `\nper-job overhead, one job at a time, end to end less the ${latencyMs} ms latency (median of ${sequential}):`,
);
console.log(`  SQLite + in-process queue:  ${ms(median(overheadSqlite))}`);
console.log(
  `  PostgreSQL + BullMQ:        ${ms(median(overheadPg))}  (+${ms(median(overheadPg) - median(overheadSqlite))})`,
);

await stopWorkers([gatewayProcess]);
await gateway.close();
await db.end();
await slack.close();
const cleanup = new Redis(redisUrl);
const left = await cleanup.keys(`${prefix}:*`);
if (left.length > 0) await cleanup.del(...left);
cleanup.disconnect();
redis.disconnect();
await schema.drop();
await fake.close();
process.exit(0);
