import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/cli-doctor.js';
import { loadConfig } from '../../src/config/config.js';
import { builtinModels } from '../../src/core/models/builtin-models.js';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'src/bin/threadpaint.ts');
const tsx = import.meta.resolve('tsx');
let work: string;
let documented: FakeImageApi;
let stock: FakeImageApi;

/** The real CLI in a child process with a clean environment. */
function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsx, bin, ...args],
      { cwd: work, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `runDoctor` in this process, with the environment given (no .env). */
async function doctor(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const config = loadConfig({ env, readEnvFile: false });
  const code = await runDoctor(config, { out: (line) => out.push(line), err: (line) => err.push(line) }, 5_000);
  return { code, out: out.join('\n'), err };
}

async function deadPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'threadpaint-doctor-'));
  const models = builtinModels.map((model) => model.id).filter((id) => id !== 'doubao-seededit-3-0-i2i-250628');
  [documented, stock] = await Promise.all([
    startFakeImageApi(),
    startFakeImageApi({ dialect: 'new-api', models: [...models, 'gpt-4o'] }),
  ]);
});
afterAll(async () => {
  await Promise.all([documented.close(), stock.close()]);
  rmSync(work, { recursive: true, force: true });
});

describe('threadpaint doctor', () => {
  it('reports a stock new-api gateway, the dialect mismatch and the models the key can use', async () => {
    const result = await cli(['doctor'], { IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: stock.url });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const request = stock.requests.at(-1);
    expect(request).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `gateway  ${stock.url} answered GET /v1/models (request id ${request?.requestId})`,
      'version  X-New-Api-Version: v0.9.0-fake: a stock new-api / one-api gateway is likely, so the new-api dialect fits',
      'dialect  IMAGE_API_DIALECT=documented disagrees: set IMAGE_API_DIALECT=new-api (or "dialect" per model in IMAGE_MODELS_FILE)',
      'models   9 of 10 catalogue models are usable with this key:',
    ]);
    expect(result.stdout).toMatch(
      / {2}missing {2}doubao-seededit-3-0-i2i-250628 +documented: \/v1\/images\/generations/,
    );
    expect(result.stdout).toContain('1 more on the gateway, not in the catalogue: gpt-4o');
  });

  it('agrees with IMAGE_API_DIALECT=new-api there and names each model’s route', async () => {
    const result = await doctor({ IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: stock.url, IMAGE_API_DIALECT: 'new-api' });

    expect(result.code).toBe(0);
    expect(result.out).toContain('dialect  IMAGE_API_DIALECT=new-api agrees');
    expect(result.out).toMatch(/usable +gemini-2\.5-flash-image +new-api: \/v1\/chat\/completions/);
    expect(result.out).toMatch(/usable +gpt-image-1 +new-api: \/v1\/images\/generations, edits on \/v1\/images\/edits/);
    expect(result.out).toMatch(/usable +qwen-image-plus +new-api: \/v1\/images\/generations/);
  });

  it('reports the documented gateway: no version header, the documented dialect, every model usable', async () => {
    const result = await doctor({ IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: documented.url });

    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'version  no X-New-Api-Version header: not stock new-api as far as this shows, so the documented dialect fits',
    );
    expect(result.out).toContain('dialect  IMAGE_API_DIALECT=documented agrees');
    expect(result.out).toContain('models   10 of 10 catalogue models are usable with this key:');
    expect(result.out).not.toContain('missing');

    const mismatch = await doctor({
      IMAGE_API_KEY: 'sk-test',
      IMAGE_API_URL: documented.url,
      IMAGE_API_DIALECT: 'new-api',
    });
    expect(mismatch.out).toContain('dialect  IMAGE_API_DIALECT=new-api disagrees: set IMAGE_API_DIALECT=documented');
  });

  it('fails with one line naming the request id when the key is refused', async () => {
    const result = await cli(['doctor'], { IMAGE_API_KEY: 'sk-wrong', IMAGE_API_URL: stock.url });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      `threadpaint: doctor: ${stock.url} refused IMAGE_API_KEY (HTTP 401 invalid_api_key: Invalid token (request id: ${stock.requests.at(-1)?.requestId})) (request id ${stock.requests.at(-1)?.requestId})`,
    ]);
  });

  it('fails with one line when the gateway is unreachable or no key is set', async () => {
    const url = `http://127.0.0.1:${await deadPort()}`;
    const dead = await cli(['doctor'], { IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: url });
    expect(dead.code).toBe(1);
    expect(dead.stdout).toBe('');
    expect(dead.stderr.trim().split('\n')).toHaveLength(1);
    expect(dead.stderr).toMatch(
      new RegExp(`^threadpaint: doctor: cannot reach the image API at ${url} \\(.*ECONNREFUSED`),
    );

    const keyless = await doctor({ IMAGE_API_URL: stock.url });
    expect(keyless.code).toBe(1);
    expect(keyless.err).toEqual([
      'threadpaint: doctor: IMAGE_API_KEY is not set, so there is no gateway to check (the offline renderer serves).',
    ]);
  });
});
