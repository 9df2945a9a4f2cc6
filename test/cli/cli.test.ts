import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'src/bin/threadpaint.ts');
// Resolved here: the child runs in a temp directory that has no node_modules.
const tsx = import.meta.resolve('tsx');
let work: string;
let fake: FakeImageApi;

/** Runs the real CLI in a child process with a clean environment (no .env from the repo). */
function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsx, bin, ...args],
      { cwd: work, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'threadpaint-cli-'));
  fake = await startFakeImageApi();
});
afterAll(async () => {
  await fake.close();
  rmSync(work, { recursive: true, force: true });
});

// Each test starts the real CLI (a node process that compiles the sources with tsx) up to five times: seconds apiece
// on a loaded machine.
describe('threadpaint CLI', { timeout: 90_000 }, () => {
  it('writes real images offline and prints what reproduces them', async () => {
    const result = await cli([
      'imagine',
      'a red fox in the snow --ar 16:9 --model seedream --seed 7 --n 2',
      '--out',
      'out1',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const files = readdirSync(path.join(work, 'out1')).sort();
    expect(files).toHaveLength(2);
    const metadata = await sharp(readFileSync(path.join(work, 'out1', files[0] as string))).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 2048, 1152]);
    expect(result.stdout).toContain('seed 7');
    expect(result.stdout).toContain('seed 8');
    expect(result.stdout).toContain('reproduce: doubao-seedream-4-5-251128 · 2560x1440 · seed 7 · 2 images');
    expect(result.stdout).toContain('offline preview');
  });

  it('edits an image file, handing it to the edit sibling of a model that takes no images', async () => {
    const input = path.join(work, 'in.png');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3366aa' } })
      .png()
      .toFile(input);
    const result = await cli(['edit', input, 'make it night time --model qwen', '--out', 'out2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'note: qwen-image-plus cannot take images, so this edit uses qwen-image-edit-plus.',
    );
    expect(readdirSync(path.join(work, 'out2'))).toHaveLength(1);
  });

  it('sends the documented body to the image API when a key is set', async () => {
    const env = { IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: `${fake.url}/`, ALLOW_PRIVATE_DOWNLOADS: 'true' };
    const result = await cli(
      [
        'imagine',
        '"orange kitten" in a garden',
        '--model',
        'nano-banana-pro',
        '--ar',
        '16:9',
        '--size',
        '2K',
        '--out',
        'out3',
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const request = fake.requests.at(-1);
    expect(request?.path).toBe('/v1/images/generations');
    expect(request?.body).toEqual({
      model: 'gemini-3-pro-image-preview',
      prompt: '"orange kitten" in a garden',
      size: '16:9',
      image_size: '2K',
      n: 1,
      response_format: 'b64_json',
    });
    expect(fake.violations).toEqual([]);
    expect(result.stdout).not.toContain('offline preview');
  });

  it('fails with one line and a non-zero exit for bad input, refusals and an expired key', async () => {
    const unknownFlag = await cli(['imagine', 'a cat --stylize 100']);
    expect(unknownFlag.code).toBe(1);
    expect(unknownFlag.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknownFlag.stderr).toContain('Unknown flag `--stylize`');

    const notImage = path.join(work, 'notes.txt');
    writeFileSync(notImage, 'hello');
    expect((await cli(['edit', notImage, 'make it blue'])).stderr).toContain('notes.txt is not an image');

    const env = { IMAGE_API_KEY: 'sk-test', IMAGE_API_URL: fake.url };
    fake.enqueue({ kind: 'moderation', family: 'gpt' });
    const refused = await cli(['imagine', 'something --model gpt-image-1'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("The model's safety system blocked this prompt");

    const expired = await cli(['imagine', 'a cat'], { IMAGE_API_KEY: 'sk-expired', IMAGE_API_URL: fake.url });
    expect(expired.stderr).toContain('rejected our API key');

    const badConfig = await cli(['imagine', 'a cat'], { PORT: 'eighty' });
    expect(badConfig.stderr).toContain('PORT="eighty"');
  });

  it('lists models and prints help', async () => {
    const models = await cli(['models']);
    expect(models.stdout).toContain('gemini-2.5-flash-image  (default)');
    expect(models.stdout).toContain('qwen-image-plus');
    expect(models.stdout).toContain('edits go to: qwen-image-edit-plus');
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('threadpaint imagine');
    expect((await cli(['paint'])).code).toBe(64);
  });
});
