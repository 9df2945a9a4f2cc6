/**
 * A bot process for the restart tests: the real SQLite store, blob store and HTTP image client against the parent's
 * loopback fake, and the conversation engine with one concurrent job. Run with `node --import tsx`.
 *
 *   engine-child.ts --data-dir DIR --api-url URL [--block-delivery KEY]...
 *
 * It reads its settings from argv only. Protocol, one JSON object a line:
 * - stdin commands: `{"cmd":"submit","key","prompt","member"}`, `{"cmd":"jobs"}`, `{"cmd":"start"}`,
 *   `{"cmd":"shutdown"}` (graceful: engine, store and client closed, then exit 0).
 * - stdout: `ready`; `event` (every engine event: event, jobId, state, phase, position); `delivered` (the local
 *   deliverer got the job's stored images: their hashes and the sha256 of the bytes it was handed);
 *   `delivery-blocked` (a delivery of a `--block-delivery` key, which never completes); `submitted`, `jobs`,
 *   `started`, `closed`, and `error` answers to commands.
 * Engine logs go to stderr.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createConversationEngine } from '../../src/core/engine/conversation-engine.js';
import type { EngineLogger } from '../../src/core/engine/engine-types.js';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { jobStates } from '../../src/core/records.js';
import { createImageDownloader } from '../../src/download/image-downloader.js';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import { createHttpImageProvider } from '../../src/providers/http-image-provider.js';
import { createFileBlobStore } from '../../src/store/blob-store.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    'data-dir': { type: 'string' },
    'api-url': { type: 'string' },
    'api-key': { type: 'string', default: 'sk-test' },
    'block-delivery': { type: 'string', multiple: true, default: [] },
  },
});
const dataDir = values['data-dir'];
const apiUrl = values['api-url'];
if (!dataDir || !apiUrl) {
  process.stderr.write('usage: engine-child.ts --data-dir DIR --api-url URL [--block-delivery KEY]...\n');
  process.exit(64);
}
const blockedKeys = new Set(values['block-delivery']);

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function logTo(level: string) {
  return (details: object, message: string) => {
    const err = (details as { err?: unknown }).err;
    const extra = err instanceof Error ? { err: { name: err.name, message: err.message } } : {};
    process.stderr.write(`${JSON.stringify({ level, message, ...details, ...extra })}\n`);
  };
}
const logger: EngineLogger = { info: logTo('info'), warn: logTo('warn'), error: logTo('error') };

const store = createSqliteStore({ path: path.join(dataDir, 'threadpaint.db') });
const blobs = createFileBlobStore({ directory: path.join(dataDir, 'images') });
const downloader = createImageDownloader({ allowPrivate: true });
const provider = createHttpImageProvider({
  baseUrl: apiUrl,
  apiKey: values['api-key'],
  pipeline: createImagePipeline(),
  downloader,
});
const engine = createConversationEngine({
  store,
  blobs,
  provider,
  catalogue: createModelCatalogue(),
  logger,
  settings: { defaultModel: 'gemini-2.5-flash-image', concurrency: 1 },
});

engine.onEvent((event) => {
  emit({
    type: 'event',
    event: event.type,
    jobId: event.job.id,
    key: event.job.idempotencyKey,
    state: event.job.state,
    ...(event.type === 'progress' ? { phase: event.phase } : {}),
    ...(event.type === 'queued' ? { position: event.position } : {}),
  });
});

engine.attachPlatform({
  name: 'local',
  awaitsStatus: () => false,
  renderStatus: async () => undefined,
  async deliver({ job, images }) {
    if (job.idempotencyKey !== undefined && blockedKeys.has(job.idempotencyKey)) {
      emit({ type: 'delivery-blocked', jobId: job.id, key: job.idempotencyKey });
      // A platform that never answers: the job stays `generated` until this process dies.
      return new Promise<never>(() => {});
    }
    emit({
      type: 'delivered',
      jobId: job.id,
      key: job.idempotencyKey,
      hashes: images.map((image) => image.ref.hash),
      sha256: images.map((image) => createHash('sha256').update(image.bytes).digest('hex')),
    });
    return { messageId: `local-${job.id}` };
  },
});

interface Command {
  readonly cmd: 'submit' | 'jobs' | 'start' | 'shutdown';
  readonly key?: string;
  readonly prompt?: string;
  readonly member?: string;
}

async function handle(command: Command): Promise<void> {
  switch (command.cmd) {
    case 'submit': {
      const result = await engine.submit({
        platform: 'local',
        workspaceId: '',
        memberId: command.member ?? 'member-1',
        idempotencyKey: command.key ?? '',
        action: 'imagine',
        text: command.prompt ?? '',
        channelId: 'channel-1',
        delivery: { channelId: 'channel-1' },
      });
      emit({ type: 'submitted', key: command.key, status: result.status, jobId: result.job.id });
      return;
    }
    case 'jobs': {
      const jobs = await store.listJobsByState(jobStates);
      emit({
        type: 'jobs',
        jobs: jobs.map((job) => ({ id: job.id, key: job.idempotencyKey, state: job.state, prompt: job.input.prompt })),
      });
      return;
    }
    case 'start':
      emit({ type: 'started', result: await engine.start() });
      return;
    case 'shutdown':
      await engine.shutdown();
      await store.close();
      await provider.close();
      await downloader.close();
      emit({ type: 'closed' });
      process.exit(0);
  }
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === '') return;
  let command: Command;
  try {
    command = JSON.parse(line) as Command;
  } catch {
    emit({ type: 'error', message: `not JSON: ${line}` });
    return;
  }
  handle(command).catch((error: unknown) => {
    emit({ type: 'error', cmd: command.cmd, key: command.key, message: String(error) });
  });
});
// The parent closing stdin (or dying) ends this process too.
input.on('close', () => process.exit(0));

emit({ type: 'ready' });
