import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type AppProcess, appProcessTracker } from '../app/app-process.js';
import { type FakeImageApi, type FakeImageApiOptions, startFakeImageApi } from '../fakes/fake-image-api.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../fakes/fake-slack.js';
import { slashCommand } from '../fakes/fake-slack-payloads.js';
import { createSlackSigner, type SignedResponse } from '../fakes/fake-slack-signer.js';
import { httpRequest } from '../support/http-request.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

/** The Redis every machine runs for the tests; `TEST_REDIS_URL` names another. */
export const testRedisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const signingSecret = 'scale-test-signing-secret';

export interface JobRow {
  readonly id: string;
  readonly member_id: string;
  readonly state: string;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly input: string;
}

/**
 * A deployment as `compose.scale.yaml` runs it, on the loopback fakes: gateways and workers as child processes
 * (`threadpaint gateway` / `threadpaint worker`, from source) sharing a PostgreSQL schema and a Redis key prefix of
 * the test's own, the fake Slack and the fake image API in the test process.
 */
export interface ScaleDeployment {
  readonly slack: FakeSlack;
  readonly imageApi: FakeImageApi;
  readonly schema: TestSchema;
  readonly prefix: string;
  readonly redis: Redis;
  /** The environment every process shares (one `.env` for the whole deployment). */
  readonly env: Readonly<Record<string, string>>;
  start(command: 'gateway' | 'worker' | 'start', extra?: Readonly<Record<string, string>>): Promise<RunningProcess>;
  /** `/imagine <text>` as `user`, signed, sent to `gateway`'s `/slack/events`. */
  imagine(gateway: RunningProcess, text: string, user?: string): Promise<SignedResponse>;
  jobs(): Promise<JobRow[]>;
  /** Waits until `count` jobs exist and none is queued, running or generated. */
  settled(count: number, timeoutMs?: number): Promise<JobRow[]>;
  /** Every Redis key of the deployment is gone, as after a FLUSHALL (the tests' Redis is shared: only ours go). */
  flushRedis(): Promise<number>;
  close(): Promise<void>;
}

export interface RunningProcess {
  readonly app: AppProcess;
  readonly url: string;
  /** `/healthz`'s body. */
  health(): Promise<
    { readonly queue?: { readonly running: number; readonly waiting: number } } & Record<string, unknown>
  >;
  /** Jobs this process delivered, from its own `/metrics`. */
  delivered(): Promise<number>;
}

export async function startScaleDeployment(
  options: {
    readonly imageApi?: FakeImageApiOptions;
    readonly slack?: FakeSlackOptions;
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): Promise<ScaleDeployment> {
  const slack = await startFakeSlack(options.slack);
  const imageApi = await startFakeImageApi(options.imageApi);
  const schema = createTestSchema();
  const prefix = `tptest-${process.pid}-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 3 });
  const dirs: TempDir[] = [];
  const dir = () => {
    const made = createTempDir('threadpaint-scale-');
    dirs.push(made);
    return made.path;
  };
  const apps = appProcessTracker();
  const env: Record<string, string> = {
    IMAGE_API_URL: imageApi.url,
    IMAGE_API_KEY: 'sk-test',
    ALLOW_PRIVATE_DOWNLOADS: 'true',
    HOST: '127.0.0.1',
    PORT: '0',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: 'warn',
    REDIS_URL: testRedisUrl,
    QUEUE_PREFIX: prefix,
    DATABASE_URL: schema.url,
    DATABASE_SCHEMA: schema.name,
    DATA_DIR_MIN_FREE_MB: '0',
    ...options.env,
  };
  const deployment: ScaleDeployment = {
    slack,
    imageApi,
    schema,
    prefix,
    redis,
    env,
    async start(command, extra = {}) {
      const app = apps.start({ ...env, DATA_DIR: dir(), ...extra }, dir(), command);
      const url = await app.up;
      return {
        app,
        url,
        async health() {
          return JSON.parse((await httpRequest(`${url}/healthz`)).body);
        },
        async delivered() {
          const text = (await httpRequest(`${url}/metrics`)).body;
          return [...text.matchAll(/^threadpaint_jobs_total\{[^}]*outcome="delivered"[^}]*\} (\d+)/gm)].reduce(
            (sum, match) => sum + Number(match[1]),
            0,
          );
        },
      };
    },
    imagine(gateway, text, user = 'U1') {
      const signer = createSlackSigner({ url: `${gateway.url}/slack/events`, secret: signingSecret });
      return signer.command(slashCommand(slack, { text, user }));
    },
    jobs: () =>
      schema.query<JobRow>(
        'SELECT id, member_id, state, created_at, started_at, finished_at, input FROM jobs ORDER BY created_at, id',
      ),
    async settled(count, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const rows = await deployment.jobs();
        const open = rows.filter((row) => ['queued', 'running', 'generated'].includes(row.state));
        if (rows.length >= count && open.length === 0) return rows;
        if (Date.now() > until)
          throw new Error(`jobs not settled: ${JSON.stringify(rows.map((row) => [row.member_id, row.state]))}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async flushRedis() {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      return keys.length;
    },
    async close() {
      await apps.stopAll();
      await deployment.flushRedis().catch(() => 0);
      redis.disconnect();
      await Promise.all([slack.close(), imageApi.close()]);
      await schema.drop();
      for (const made of dirs.splice(0)) made.remove();
    },
  };
  return deployment;
}

/** Most intervals open at one moment. */
export function mostAtOnce(intervals: ReadonlyArray<readonly [number, number]>): number {
  const edges = intervals.flatMap(([from, to]) => [
    [from, 1],
    [to, -1],
  ]);
  // An end and a start at the same instant do not overlap.
  edges.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let open = 0;
  let most = 0;
  for (const [, step] of edges) {
    open += step as number;
    most = Math.max(most, open);
  }
  return most;
}
