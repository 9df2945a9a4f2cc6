/**
 * The loopback fake image API in a process of its own, so its work (parsing requests, encoding answers) does not
 * share the benchmark's event loop. Prints `{"type":"ready","url"}`; answers `stats` on stdin with
 * `{"type":"stats","requests","violations"}`; exits when stdin closes.
 *
 *   queue-fake-server.js --latency MS
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startFakeImageApi } from '../test/fakes/fake-image-api.js';
import { benchImageFor } from './queue-images.js';

const { values } = parseArgs({ args: process.argv.slice(2), options: { latency: { type: 'string', default: '200' } } });
const fake = await startFakeImageApi({
  latencyMs: Number(values.latency),
  recordBodies: false,
  b64Image: (request) => benchImageFor(request.body),
});

const write = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === 'stats') {
    const generations = fake.requests.filter((request) => request.path === '/v1/images/generations').length;
    write({ type: 'stats', requests: generations, violations: fake.violations.length });
  }
});
input.on('close', () => {
  void fake.close().then(() => process.exit(0));
});
write({ type: 'ready', url: fake.url });
