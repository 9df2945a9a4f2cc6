import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpRequest } from '../support/http-request.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { commandOf, parseHealthcheck } from './dockerfile.js';
import { type ReplayedImage, replayImage } from './replay-image.js';

/**
 * The container image, proven without a Docker engine: a fresh clone of the commit (files only in a working copy do
 * not count, as in CI), the Dockerfile's own steps replayed from its build context, then the final stage's tree
 * started with the image's environment. Slow (an `npm ci`), so it is one file with one replay shared by its tests.
 */
const root = path.resolve(import.meta.dirname, '../..');
// Modules that run when imported: those the package's scripts start (`node dist/src/….js`).
const entryPoints = [
  ...new Set(
    Object.values(
      (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts,
    ).flatMap((script) => [...script.matchAll(/\bdist\/(src\/\S+\.js)/g)].map((match) => match[1] as string)),
  ),
];
const webSource = path.join(root, 'src/platforms/local/web');
/** Every package the lock file installs, by its path (`node_modules/…`). */
const lockedPackages = Object.entries(
  (
    JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; optional?: boolean }>;
    }
  ).packages,
).filter(([name]) => name !== '');
let work: TempDir;
let image: ReplayedImage;

/** The machine's environment as a build sees it (npm's cache and settings), without the test runner's own. */
const buildEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST')));

beforeAll(async () => {
  work = createTempDir('threadpaint-image-');
  const clone = path.join(work.path, 'clone');
  const commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-local', '--no-checkout', root, clone]);
  execFileSync('git', ['-C', clone, 'checkout', '--quiet', '--detach', commit]);
  // What an operator's checkout has beside the sources: none of it may reach the image.
  writeFileSync(path.join(clone, '.env'), 'IMAGE_API_KEY=sk-never-in-an-image\n');
  for (const dir of ['data', 'node_modules/decoy', 'dist', 'out'])
    mkdirSync(path.join(clone, dir), { recursive: true });
  writeFileSync(path.join(clone, 'data/threadpaint.db'), 'not a database');
  writeFileSync(path.join(clone, 'node_modules/decoy/index.js'), 'export {};\n');
  writeFileSync(path.join(clone, 'dist/stale.js'), 'throw new Error("stale build");\n');
  image = await replayImage(clone, path.join(work.path, 'image'), buildEnv());
}, 1_200_000);
// Two installed trees (the clone's and the image's): removing them takes a while on a busy machine.
afterAll(() => work?.remove(), 300_000);

const setting = (keyword: string) => image.settings.filter((instruction) => instruction.keyword === keyword);

describe('the container image', () => {
  it('builds from a context without .git, tests, fixtures, data, .env or a local build', () => {
    const topLevel = new Set(image.context.map((file) => file.split('/')[0]));
    for (const absent of ['.git', 'test', 'data', 'node_modules', 'dist', 'out', 'bench', 'docs', '.env'])
      expect(topLevel.has(absent), absent).toBe(false);
    expect(image.context.filter((file) => /(^|\/)\.env/.test(file) || file.includes('fixtures'))).toEqual([]);
    expect([...topLevel].sort()).toEqual([
      'commands',
      'package-lock.json',
      'package.json',
      'src',
      'tsconfig.app.json',
      'tsconfig.json',
    ]);
  });

  it('ships the build and production dependencies only, run by tini as a non-root user with /data a volume', () => {
    expect(readdirSync(image.app).sort()).toEqual(['dist', 'node_modules', 'package.json', 'src']);
    // Of the sources, only the playground's page files, served as they are.
    expect(readdirSync(path.join(image.app, 'src'), { recursive: true }).sort()).toEqual(
      [
        'platforms',
        'platforms/local',
        'platforms/local/web',
        ...readdirSync(webSource).map((name) => `platforms/local/web/${name}`),
      ].sort(),
    );
    // The lock file marks what only the dev dependencies need (`dev: true`): none of it ships, all the rest does.
    const installed = (name: string) => existsSync(path.join(image.app, name));
    const devOnly = lockedPackages.filter(([, entry]) => entry.dev).map(([name]) => name);
    const production = lockedPackages.filter(([, entry]) => !entry.dev && !entry.optional).map(([name]) => name);
    expect(devOnly).toContain('node_modules/vitest');
    expect(devOnly.filter(installed)).toEqual([]);
    expect(production).toContain('node_modules/pino-pretty');
    expect(production.filter((name) => !installed(name))).toEqual([]);
    const [entrypoint] = setting('ENTRYPOINT');
    expect(commandOf(entrypoint?.args ?? '')).toEqual(['/usr/bin/tini', '--']);
    expect(image.systemSteps.some((step) => /apt-get install .*\btini\b/.test(step))).toBe(true);
    expect(setting('USER').map((instruction) => instruction.args)).toEqual(['node']);
    expect(setting('VOLUME').map((instruction) => commandOf(instruction.args))).toEqual([[image.env['DATA_DIR']]]);
    expect(image.env).toMatchObject({ NODE_ENV: 'production', DATA_DIR: '/data', PORT: '3000' });
  });

  it('loads every module of the pruned tree: no import reaches a dev dependency', () => {
    const distSrc = path.join(image.app, 'dist/src');
    const modules = readdirSync(distSrc, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
      .map((entry) => path.join(entry.parentPath, entry.name))
      // The entry points act when imported (the server start below runs the first): every dist/src module a script
      // of package.json runs, read from it so a moved entry point cannot slip back in.
      .filter((file) => !entryPoints.some((entry) => file.endsWith(entry)));
    expect(entryPoints).toContain('src/bin/threadpaint.js');
    expect(modules.length).toBeGreaterThan(100);
    const script = `for (const file of JSON.parse(process.argv[1])) await import(file);`;
    execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(modules)], {
      cwd: image.app,
      env: { PATH: process.env['PATH'] ?? '', ...image.env },
      stdio: 'pipe',
    });
  });

  it('starts with the image’s environment and command, answers /healthz and its HEALTHCHECK, makes an image, and exits 0 on SIGTERM', async () => {
    const data = path.join(work.path, 'data');
    const [cmd] = setting('CMD');
    const [program = '', ...args] = commandOf(cmd?.args ?? '');
    const env = { PATH: process.env['PATH'] ?? '', ...image.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: data };
    const child = spawn(program, args, { cwd: image.app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const up = vi.waitFor(() => expect(output).toMatch(/health: http:\/\/\S+\/healthz/), {
        timeout: 60_000,
        interval: 100,
      });
      const died = exited.then((code) => {
        throw new Error(`the image's command exited (${code}) before it was up:\n${output}`);
      });
      await Promise.race([up, died]);
      const url = /health: (http:\/\/\S+)\/healthz/.exec(output)?.[1] as string;
      expect((await httpRequest(`${url}/healthz`)).status).toBe(200);

      const [healthcheck] = setting('HEALTHCHECK');
      const probe = parseHealthcheck(healthcheck?.args ?? '');
      expect(probe.command.join(' ')).toContain('/healthz');
      const port = new URL(url).port;
      const [probeProgram = '', ...probeArgs] = probe.command;
      execFileSync(probeProgram, probeArgs, { cwd: image.app, env: { ...env, PORT: port }, stdio: 'pipe' });

      const headers = { 'content-type': 'application/json', origin: url };
      const submitted = await httpRequest(`${url}/api/submit`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: 'a lighthouse from the pruned tree' }),
      });
      expect(submitted.status, submitted.body).toBe(200);
      const { jobId } = JSON.parse(submitted.body) as { jobId: string };
      await vi.waitFor(
        async () =>
          expect(JSON.parse((await httpRequest(`${url}/api/jobs/${jobId}`)).body)).toMatchObject({
            state: 'delivered',
          }),
        { timeout: 30_000, interval: 200 },
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(path.join(data, 'threadpaint.db'))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
