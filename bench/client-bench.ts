/**
 * Client benchmark: the real HTTP image provider against the fake image API, loopback only.
 *   1. Client overhead per `generate()` for a 1024² PNG answered as b64_json (target p99 < 20 ms).
 *   2. Peak RSS while eight 4096² (~20 MB) b64_json results arrive at once next to one 4096² input re-encode
 *      (target < 450 MB).
 * The fake runs in a child process (bench/fake-image-api-child.ts), so neither its memory nor its CPU is the
 * client's. Run: `tsc -b tsconfig.build.json && node --expose-gc dist/bench/client-bench.js`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request as undiciRequest } from 'undici';
import type { GenerationRequest } from '../src/core/imagine-request.js';
import { createModelCatalogue } from '../src/core/models/model-catalogue.js';
import { validateRequest } from '../src/core/validate-request.js';
import { createImageDownloader } from '../src/download/image-downloader.js';
import { createImagePipeline, type ImagePipeline } from '../src/images/image-pipeline.js';
import { createHttpImageProvider, type HttpImageProvider } from '../src/providers/http-image-provider.js';
import { chooseRequestBuilder, planUpstreamCalls } from '../src/providers/request-builder.js';
import { percentile, sampleRss } from './bench-stats.js';
import type { BenchCommand, BenchImageName, BenchReply } from './fake-image-api-child.js';

const settings = {
  warmupRequests: 20,
  measuredRequests: 300,
  overheadTargetP99Ms: 20,
  concurrentResults: 8,
  rssRounds: 3,
  rssSampleMs: 10,
  rssTargetMb: 450,
  reencodeLimitBytes: 7_000_000,
} as const;

const apiKey = 'sk-test';

// ---------------------------------------------------------------------------------------------- the fake process

interface FakeProcess {
  readonly url: string;
  readonly files: Record<BenchImageName, string>;
  ask(command: BenchCommand): Promise<BenchReply>;
  close(): Promise<void>;
}

/** The next IPC message of the child; rejects if it exits first. */
function nextReply(child: ChildProcess): Promise<BenchReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: BenchReply) => settle(() => resolve(message));
    const onExit = (code: number | null) => settle(() => reject(new Error(`fake process exited (${code})`)));
    const settle = (action: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      action();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function startFakeProcess(): Promise<FakeProcess> {
  const child = fork(new URL('./fake-image-api-child.js', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextReply(child);
  if (ready.kind !== 'ready') throw new Error(`fake process: expected ready, got ${ready.kind}`);
  const ask = (command: BenchCommand) => {
    const reply = nextReply(child);
    child.send(command);
    return reply;
  };
  return {
    url: ready.url,
    files: ready.files,
    ask,
    async close() {
      await ask({ kind: 'close' });
      await rm(dirname(ready.files.photo1k), { recursive: true, force: true });
    },
  };
}

async function serve(fake: FakeProcess, image: BenchImageName): Promise<number> {
  const reply = await fake.ask({ kind: 'serve', image });
  if (reply.kind !== 'serving') throw new Error(`fake process: expected serving, got ${reply.kind}`);
  return reply.bytes;
}

async function fakeStats(fake: FakeProcess): Promise<{ requests: number; violations: readonly string[] }> {
  const reply = await fake.ask({ kind: 'stats' });
  if (reply.kind !== 'stats') throw new Error(`fake process: expected stats, got ${reply.kind}`);
  return reply;
}

// ---------------------------------------------------------------------------------------------- measuring

interface Quantiles {
  readonly p50: number;
  readonly p99: number;
}

function quantiles(values: readonly number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round2(percentile(sorted, 50)), p99: round2(percentile(sorted, 99)) };
}

/** Wall time and this process's CPU time (all its threads: main, libuv, GC helpers) of one task, in ms. */
async function measure(task: () => Promise<void>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await task();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Samples the process RSS on a timer; `stop()` returns the highest sample. */

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const megabytes = (bytes: number) => Math.round(bytes / 1e5) / 10;
const mebibytes = (bytes: number) => Math.round(bytes / ((1024 * 1024) / 10)) / 10;

// ---------------------------------------------------------------------------------------------- the client

/** Gemini 2.5 Flash (1K) for the 1024² answers; Gemini 3 Pro at 4K for the 4096² ones, which Flash never makes. */
function geminiRequest(tier: '1K' | '4K' = '1K'): GenerationRequest {
  const context = { catalogue: createModelCatalogue(), defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 1 };
  const model = tier === '1K' ? 'gemini-2.5-flash-image' : 'gemini-3-pro-image-preview';
  return validateRequest({ prompt: 'a lighthouse at dusk', model, size: tier }, context).request;
}

async function expectImage(client: HttpImageProvider, request: GenerationRequest, bytes: number): Promise<void> {
  const result = await client.generate(request);
  const received = result.images[0]?.bytes.byteLength;
  if (result.images.length !== 1 || received !== bytes) {
    throw new Error(`expected one image of ${bytes} bytes, got ${result.images.length} (${received} bytes)`);
  }
}

/**
 * The same request the client sends, made with a bare undici call that only drains the body: what the fake and
 * the loopback cost, without the client's work (building the body, decoding base64, parsing, sniffing).
 */
function rawRequester(url: string, request: GenerationRequest, imageBytes: number) {
  const call = planUpstreamCalls(request, [])[0];
  if (!call) throw new Error('no upstream call planned');
  const upstream = chooseRequestBuilder(request.model.family)(request, call);
  const body = JSON.stringify(upstream.body);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' };
  const base64Bytes = Math.ceil(imageBytes / 3) * 4;
  return {
    async send(): Promise<void> {
      const response = await undiciRequest(`${url}${upstream.path}`, { method: 'POST', dispatcher, headers, body });
      let received = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) received += chunk.byteLength;
      if (response.statusCode !== 200 || received < base64Bytes) {
        throw new Error(`raw request: HTTP ${response.statusCode}, ${received} bytes`);
      }
    },
    close: () => dispatcher.close(),
  };
}

// ---------------------------------------------------------------------------------------------- 1. overhead

interface OverheadResult {
  readonly imageBytes: number;
  readonly requests: number;
  readonly generateMs: Quantiles;
  readonly rawMs: Quantiles;
  readonly overheadMs: Quantiles;
  readonly clientCpuMs: Quantiles;
}

/**
 * Pairs every `generate()` with a raw request for the same answer, alternating which goes first, and takes the
 * difference of each pair: the client's own time per request, with the fake's handling and the transfer subtracted.
 */
async function measureOverhead(fake: FakeProcess, client: HttpImageProvider): Promise<OverheadResult> {
  const imageBytes = await serve(fake, 'photo1k');
  const request = geminiRequest();
  const raw = rawRequester(fake.url, request, imageBytes);
  const viaClient = () => expectImage(client, request, imageBytes);
  try {
    for (let index = 0; index < settings.warmupRequests; index++) {
      await viaClient();
      await raw.send();
    }
    const pairs: { generate: { wallMs: number; cpuMs: number }; rawMs: number }[] = [];
    for (let index = 0; index < settings.measuredRequests; index++) {
      const rawFirst = index % 2 === 1;
      const before = rawFirst ? await measure(raw.send) : undefined;
      const generate = await measure(viaClient);
      const after = rawFirst ? undefined : await measure(raw.send);
      pairs.push({ generate, rawMs: (before ?? after)?.wallMs ?? Number.NaN });
    }
    return {
      imageBytes,
      requests: pairs.length,
      generateMs: quantiles(pairs.map((pair) => pair.generate.wallMs)),
      rawMs: quantiles(pairs.map((pair) => pair.rawMs)),
      overheadMs: quantiles(pairs.map((pair) => pair.generate.wallMs - pair.rawMs)),
      clientCpuMs: quantiles(pairs.map((pair) => pair.generate.cpuMs)),
    };
  } finally {
    await raw.close();
  }
}

// ---------------------------------------------------------------------------------------------- 2. peak RSS

interface RssResult {
  readonly imageBytes: number;
  readonly baselineBytes: number;
  readonly peakBytes: number;
  readonly maxRssBytes: number;
  readonly roundsMs: readonly number[];
  readonly reencoded: { readonly bytes: number; readonly mimeType: string };
}

/** One round: `concurrentResults` generations and one 4096² input re-encode to 7 MB, all at once. */
async function rssRound(client: HttpImageProvider, pipeline: ImagePipeline, photo: Buffer, imageBytes: number) {
  const request = geminiRequest('4K');
  const generations = Array.from({ length: settings.concurrentResults }, () =>
    expectImage(client, request, imageBytes),
  );
  const target = { formats: request.model.inputFormats, maxBytes: settings.reencodeLimitBytes };
  const reencoding = pipeline.prepareInput({ bytes: photo, name: 'photo.png' }, target);
  const [reencoded] = await Promise.all([reencoding, ...generations]);
  if (reencoded.bytes === photo) throw new Error('the 4096² input was not re-encoded');
  return { bytes: reencoded.bytes.byteLength, mimeType: reencoded.mimeType };
}

async function measurePeakRss(
  fake: FakeProcess,
  client: HttpImageProvider,
  pipeline: ImagePipeline,
): Promise<RssResult> {
  const imageBytes = await serve(fake, 'photo4k');
  const photo = await readFile(fake.files.photo4k);
  // Warm-up, as in part 1: libvips sets up its threads and buffers on first use, before the baseline.
  const warmup = await readFile(fake.files.photo1k);
  await pipeline.prepareInput({ bytes: warmup }, { formats: ['image/jpeg'], maxBytes: warmup.byteLength - 1 });
  collectGarbage();
  const baselineBytes = process.memoryUsage.rss();
  const sampler = sampleRss(settings.rssSampleMs);
  const roundsMs: number[] = [];
  let reencoded = { bytes: 0, mimeType: '' };
  let peakBytes = baselineBytes;
  try {
    for (let round = 0; round < settings.rssRounds; round++) {
      const started = performance.now();
      reencoded = await rssRound(client, pipeline, photo, imageBytes);
      roundsMs.push(Math.round(performance.now() - started));
    }
  } finally {
    peakBytes = sampler.stop();
  }
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  return { imageBytes, baselineBytes, peakBytes, maxRssBytes, roundsMs, reencoded };
}

// ---------------------------------------------------------------------------------------------- report

const verdict = (passed: boolean) => (passed ? 'PASS' : 'FAIL');
const memory = (bytes: number) => `${mebibytes(bytes)} MiB (${megabytes(bytes)} MB)`;

function overheadLines(result: OverheadResult, passed: boolean): string[] {
  const row = (label: string, p50: number | string, p99: number | string) =>
    `  ${label.padEnd(40)}${String(p50).padStart(9)}${String(p99).padStart(9)}`;
  return [
    `1. Client overhead per generate(): a 1024x1024 noise PNG of ${megabytes(result.imageBytes)} MB as b64_json,`,
    `   ${result.requests} sequential requests after ${settings.warmupRequests} warm-up (Gemini 2.5 Flash, count 1).`,
    '   Method: each generate() is paired with a raw undici POST of the same body that only drains the same',
    '   answer (alternating which goes first); overhead = generate − raw, per pair. The raw call carries the',
    "   fake's handling and the loopback transfer, so the difference is the client's own work. The client's",
    '   CPU time per generate() is shown too: the fake runs in another process, so none of it is the fake.',
    "   The client's work includes one full decode of each image to check it (moved from every delivery).",
    row('', 'p50 ms', 'p99 ms'),
    row('generate() total (wall)', result.generateMs.p50, result.generateMs.p99),
    row('raw request: fake + transfer (wall)', result.rawMs.p50, result.rawMs.p99),
    row('client overhead: generate − raw (wall)', result.overheadMs.p50, result.overheadMs.p99),
    row('client CPU time per generate()', result.clientCpuMs.p50, result.clientCpuMs.p99),
    `  target: overhead p99 < ${settings.overheadTargetP99Ms} ms — ${verdict(passed)}`,
  ];
}

function rssLines(result: RssResult, passed: boolean): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(48)}${value}`;
  return [
    `2. Peak RSS: ${settings.concurrentResults} concurrent generate() calls, each answered with a 4096x4096 noise PNG of ` +
      `${megabytes(result.imageBytes)} MB`,
    `   as b64_json (Gemini 3 Pro at 4K, count 1; each decoded once to be checked), plus one 4096² input re-encode at the same time (prepareInput to ` +
      `${settings.reencodeLimitBytes / 1e6} MB);`,
    `   ${settings.rssRounds} rounds. The fake runs in a child process: only the client's memory is measured.`,
    row('RSS before the rounds (after gc)', memory(result.baselineBytes)),
    row(`peak RSS (sampled every ${settings.rssSampleMs} ms)`, memory(result.peakBytes)),
    row('  of which results held by the callers', `${settings.concurrentResults} × ${megabytes(result.imageBytes)} MB`),
    row('kernel high-water mark (ru_maxrss, whole run)', memory(result.maxRssBytes)),
    row('round times', `${result.roundsMs.join(', ')} ms`),
    row('re-encoded input', `${result.reencoded.mimeType}, ${megabytes(result.reencoded.bytes)} MB`),
    `  target: peak < ${settings.rssTargetMb} MB — ${verdict(passed)}`,
  ];
}

function report(overhead: OverheadResult, rss: RssResult, fake: { requests: number; violations: readonly string[] }) {
  const overheadPass = overhead.overheadMs.p99 < settings.overheadTargetP99Ms;
  const rssPass = Math.max(rss.peakBytes, rss.maxRssBytes) < settings.rssTargetMb * 1e6;
  const lines = [
    `threadpaint client benchmark — node ${process.version}, ${availableParallelism()} CPUs, loopback only`,
    '',
    ...overheadLines(overhead, overheadPass),
    '',
    ...rssLines(rss, rssPass),
    '',
    `fake: ${fake.requests} requests in part 2, ${fake.violations.length} wire-format violations`,
  ];
  console.log(lines.join('\n'));
  console.log(
    JSON.stringify({
      bench: 'client',
      node: process.version,
      overhead: { ...overhead, targetP99Ms: settings.overheadTargetP99Ms, pass: overheadPass },
      rss: { ...rss, targetMb: settings.rssTargetMb, pass: rssPass },
      fakeViolations: fake.violations.length,
    }),
  );
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const fake = await startFakeProcess();
  const pipeline = createImagePipeline();
  const downloader = createImageDownloader({ allowPrivate: true });
  const client = createHttpImageProvider({ baseUrl: fake.url, apiKey, pipeline, downloader });
  try {
    const overhead = await measureOverhead(fake, client);
    const rss = await measurePeakRss(fake, client, pipeline);
    report(overhead, rss, await fakeStats(fake));
    console.log(`(${Math.round((performance.now() - startedAt) / 100) / 10} s in all)`);
  } finally {
    await client.close();
    await downloader.close();
    await fake.close();
  }
}

await main();
