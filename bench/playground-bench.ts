/**
 * What playground uploads cost the process: `threadpaint start` (built, offline renderer, a fresh DATA_DIR) takes
 * eight concurrent uploads of a ~25 MB PNG each, then one request with 20,000 tiny images. Prints the server's RSS
 * before and at its peak (the kernel's high-water mark, Linux), and how long each took.
 *
 *   npm run bench:playground
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { encodePng } from '../test/fakes/fake-image-api-png.js';

const uploads = 8;
const entry = fileURLToPath(new URL('../src/bin/threadpaint.js', import.meta.url));

/** Random pixels: a PNG that does not compress, 2900×2900 ≈ 25 MB, just under the 25 MiB per-image limit. */
function noisePng(side: number): Uint8Array {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % 256;
  };
  return encodePng(side, side, () => [next(), next(), next()]);
}

function statusOf(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const kilobytes = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) / 1024;
  } catch {
    return undefined; // not Linux
  }
}

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', origin: new URL(url).origin };
    const outgoing = request(`${url}/api/submit`, { method: 'POST', headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function startApp(dataDir: string): Promise<{ child: ChildProcessByStdio<null, Readable, null>; url: string }> {
  const env = { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' };
  const child = spawn(process.execPath, [entry, 'start'], {
    cwd: dataDir,
    env: { ...env, MALLOC_ARENA_MAX: '2' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const found = /health: (http:\/\/\S+)\/healthz/.exec(printed)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`threadpaint exited (${code}) before it was up`)));
  });
  return { child, url };
}

const mb = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(0)} MB`);

const dataDir = mkdtempSync(path.join(tmpdir(), 'threadpaint-bench-playground-'));
const png = noisePng(2900);
const large = JSON.stringify({
  text: 'a noisy upload',
  images: [`data:image/png;base64,${Buffer.from(png).toString('base64')}`],
});
const tiny = `data:image/png;base64,${Buffer.from(encodePng(1, 1, () => [200, 10, 10])).toString('base64')}`;
const many = JSON.stringify({ text: 'a collage', images: Array.from({ length: 20_000 }, () => tiny) });
const { child, url } = await startApp(dataDir);
try {
  const pid = child.pid ?? 0;
  const before = statusOf(pid, 'VmRSS');
  let started = performance.now();
  const statuses = await Promise.all(Array.from({ length: uploads }, () => post(url, large)));
  const uploadSeconds = (performance.now() - started) / 1000;
  const peak = statusOf(pid, 'VmHWM');
  started = performance.now();
  const refused = await post(url, many);
  const refusalMs = performance.now() - started;
  process.stdout.write(
    [
      `playground uploads: ${uploads} at once, ${(large.length / 1e6).toFixed(1)} MB each (image ${(png.length / 1e6).toFixed(1)} MB)`,
      `  answers ${statuses.join(' ')} in ${uploadSeconds.toFixed(1)} s`,
      `  server RSS before ${mb(before)}, peak ${mb(peak)}`,
      `20,000 tiny images (${(many.length / 1e6).toFixed(1)} MB): answered ${refused} in ${refusalMs.toFixed(0)} ms`,
      '',
    ].join('\n'),
  );
} finally {
  child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
