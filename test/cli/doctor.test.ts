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
let fork: FakeImageApi;
let stock: FakeImageApi;
let oneApi: FakeImageApi;

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
  [documented, fork, stock, oneApi] = await Promise.all([
    startFakeImageApi(),
    // The documented gateway is a new-api fork: it may well send X-New-Api-Version too.
    startFakeImageApi({ newApiVersion: 'v0.9.1-fork' }),
    startFakeImageApi({ dialect: 'new-api', models: [...models, 'gpt-4o'] }),
    startFakeImageApi({ dialect: 'one-api' }),
  ]);
});
afterAll(async () => {
  await Promise.all([documented.close(), fork.close(), stock.close(), oneApi.close()]);
  rmSync(work, { recursive: true, force: true });
});

const routesOf = (fake: FakeImageApi) => fake.requests.map((request) => `${request.method} ${request.path}`);
const geminiProbe = {
  model: 'gemini-2.5-flash-image',
  prompt: 'a plain white square',
  size: '1:1',
  n: 1,
  response_format: 'b64_json',
};

describe('threadpaint doctor', () => {
  it('tells stock new-api by its convert_request_failed answer to a Gemini probe, not by X-New-Api-Version', async () => {
    stock.reset();
    const result = await cli(['doctor'], { IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: stock.url });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(routesOf(stock)).toEqual(['GET /v1/models', 'POST /v1/images/generations']);
    const [list, probe] = stock.requests;
    expect(probe?.headers.authorization).toBe('Bearer sk-test');
    expect(probe?.body).toEqual(geminiProbe);
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `gateway  ${stock.url} answered GET /v1/models (request id ${list?.requestId})`,
      'version  X-New-Api-Version: v0.9.0-fake (every new-api build and fork sends it, so it does not tell the dialect)',
      `probe    POST /v1/images/generations with gemini-2.5-flash-image was refused as stock new-api refuses it (HTTP 500 convert_request_failed, request id ${probe?.requestId})`,
      'dialect  stock new-api: the new-api dialect fits; IMAGE_API_DIALECT=documented disagrees: set IMAGE_API_DIALECT=new-api (or "dialect" per model in IMAGE_MODELS_FILE)',
      'models   10 of 11 catalogue models are usable with this key:',
    ]);
    expect(result.stdout).toMatch(
      / {2}missing {2}doubao-seededit-3-0-i2i-250628 +documented: \/v1\/images\/generations/,
    );
    expect(result.stdout).toContain('1 more on the gateway, not in the catalogue: gpt-4o');
  });

  it('agrees with IMAGE_API_DIALECT=new-api there and names each model’s route', async () => {
    const result = await doctor({ IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: stock.url, IMAGE_API_DIALECT: 'new-api' });

    expect(result.code).toBe(0);
    expect(result.out).toContain('dialect  stock new-api: the new-api dialect fits; IMAGE_API_DIALECT=new-api agrees');
    expect(result.out).toMatch(/usable +gemini-2\.5-flash-image +new-api: \/v1\/chat\/completions/);
    expect(result.out).toMatch(/usable +gpt-image-1 +new-api: \/v1\/images\/generations, edits on \/v1\/images\/edits/);
    expect(result.out).toMatch(/usable +qwen-image-plus +new-api: \/v1\/images\/generations/);
  });

  it('says the documented dialect fits a gateway that sends X-New-Api-Version but makes Gemini images on /v1/images/generations', async () => {
    fork.reset();
    const result = await doctor({ IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: fork.url, IMAGE_API_DIALECT: 'new-api' });

    expect(result.code).toBe(0);
    const probe = fork.requests.find((request) => request.method === 'POST');
    expect(probe?.body).toEqual(geminiProbe);
    expect(result.out).toContain('version  X-New-Api-Version: v0.9.1-fork (every new-api build and fork sends it');
    expect(result.out).toContain(
      `probe    POST /v1/images/generations with gemini-2.5-flash-image was accepted (HTTP 200, request id ${probe?.requestId}; billed as one image)`,
    );
    expect(result.out).toContain(
      'dialect  the documented dialect fits; IMAGE_API_DIALECT=new-api disagrees: set IMAGE_API_DIALECT=documented',
    );
    expect(fork.violations).toEqual([]);
  });

  it('reports the documented gateway without a version header: documented dialect, every model usable', async () => {
    documented.reset();
    const result = await doctor({ IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: documented.url });

    expect(result.code).toBe(0);
    expect(routesOf(documented)).toEqual([
      'GET /v1/models',
      'GET /v1beta/models',
      'GET /v1/models',
      'POST /v1/images/generations',
    ]);
    expect(result.out).toContain('version  no X-New-Api-Version header');
    expect(result.out).toContain('dialect  the documented dialect fits; IMAGE_API_DIALECT=documented agrees');
    expect(result.out).toContain('models   11 of 11 catalogue models are usable with this key:');
    expect(result.out).not.toContain('missing');
  });

  it('declares one-api unsupported, without a Gemini request, and exits non-zero with one line on stderr', async () => {
    oneApi.reset();
    const result = await cli(['doctor'], { IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: oneApi.url });

    expect(result.code).toBe(1);
    expect(routesOf(oneApi)).toEqual(['GET /v1/models', 'GET /v1beta/models', 'GET /v1/models']);
    expect(oneApi.requests.at(-1)?.headers.authorization).not.toBe('Bearer sk-test');
    expect(result.stdout).toContain('version  no X-New-Api-Version header');
    expect(result.stdout).toContain(
      'probe    no X-New-Api-Version, GET /v1beta/models answered 404 and a wrong key is refused as one_api_error: this is one-api',
    );
    expect(result.stdout).toContain(
      'dialect  unsupported: threadpaint speaks to new-api gateways (documented or stock); one-api drops image inputs, Gemini images and Seedream options whatever IMAGE_API_DIALECT says. Use a new-api gateway.',
    );
    expect(result.stderr.trim().split('\n')).toEqual([
      `threadpaint: doctor: ${oneApi.url} looks like one-api, which threadpaint does not support: point IMAGE_API_URL at a new-api gateway.`,
    ]);
  });

  it('keeps IMAGE_API_DIALECT when no Gemini model is usable to probe with', async () => {
    const noGemini = await startFakeImageApi({
      dialect: 'new-api',
      models: builtinModels.map((model) => model.id).filter((id) => !id.startsWith('gemini')),
    });
    try {
      const result = await doctor({ IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: noGemini.url });
      expect(result.code).toBe(0);
      expect(noGemini.requests.filter((request) => request.method === 'POST')).toEqual([]);
      expect(result.out).toContain('probe    no Gemini image model is usable with this key, so none could be probed');
      expect(result.out).toContain('dialect  IMAGE_API_DIALECT=documented kept: the probe could not tell');
    } finally {
      await noGemini.close();
    }
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
