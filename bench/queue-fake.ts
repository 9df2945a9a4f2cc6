import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFakeImageApi } from '../test/fakes/fake-image-api.js';
import { benchImageFor } from './queue-images.js';

export type FakeMode = 'child' | 'in-process';

export interface BenchFake {
  readonly url: string;
  readonly where: string;
  /** Generation requests the fake received, and how many broke the wire format. */
  stats(): Promise<{ requests: number; violations: number }>;
  close(): Promise<void>;
}

/** The loopback fake at a fixed latency, in a child process (default) or in the benchmark's own process. */
export async function startBenchFake(mode: FakeMode, latencyMs: number): Promise<BenchFake> {
  if (mode === 'in-process') {
    const fake = await startFakeImageApi({
      latencyMs,
      recordBodies: false,
      b64Image: (request) => benchImageFor(request.body),
    });
    return {
      url: fake.url,
      where: 'in-process (shares the event loop)',
      stats: async () => ({
        requests: fake.requests.filter((request) => request.path === '/v1/images/generations').length,
        violations: fake.violations.length,
      }),
      close: () => fake.close(),
    };
  }
  return startChildFake(latencyMs);
}

async function startChildFake(latencyMs: number): Promise<BenchFake> {
  // The sibling script, compiled (.js) or run through tsx (.ts) like this file; execArgv carries `--import tsx`.
  const self = fileURLToPath(import.meta.url);
  const script = path.join(path.dirname(self), `queue-fake-server${path.extname(self)}`);
  const child = spawn(process.execPath, [...process.execArgv, script, '--latency', String(latencyMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const pending: Array<(line: Record<string, unknown>) => void> = [];
  lines.on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    pending.shift()?.(line);
  });
  const next = (timeoutMs: number) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fake image API child: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      pending.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  let ready: Record<string, unknown>;
  try {
    ready = await next(15_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: String(ready['url']),
    where: `child process (pid ${child.pid})`,
    async stats() {
      const answer = next(5_000);
      child.stdin.write('stats\n');
      const line = await answer;
      return { requests: Number(line['requests']), violations: Number(line['violations']) };
    },
    async close() {
      const exited = once(child, 'exit');
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
