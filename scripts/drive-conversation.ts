/**
 * Drives one whole conversation through the core — /imagine, three edits, a reroll, variations — then opens the
 * data dir again with a new store and engine and reads every turn back.
 *
 *   node --import tsx scripts/drive-conversation.ts [--provider offline|fake] [--data-dir DIR] [--out DIR]
 *     [--model ID]
 *
 * `offline` draws with the offline renderer (edits visibly recolour the previous image); `fake` starts the loopback
 * fake image API and goes through the real HTTP client. Without `--data-dir` a temporary one is used and removed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ConversationEngine, createConversationEngine } from '../src/core/engine/conversation-engine.js';
import type { EngineLogger, InboundRequest } from '../src/core/engine/engine-types.js';
import type { ImageProvider } from '../src/core/image-provider.js';
import type { JobEvent } from '../src/core/jobs/job-events.js';
import { createModelCatalogue } from '../src/core/models/model-catalogue.js';
import type { TurnRecord } from '../src/core/records.js';
import type { Store } from '../src/core/store.js';
import { createImageDownloader } from '../src/download/image-downloader.js';
import { createImagePipeline, type ImagePipeline } from '../src/images/image-pipeline.js';
import { measureImage } from '../src/images/measure-image.js';
import { createHttpImageProvider } from '../src/providers/http-image-provider.js';
import { createOfflineImageProvider } from '../src/providers/offline-renderer.js';
import { createFileBlobStore } from '../src/store/blob-store.js';
import { createSqliteStore } from '../src/store/sqlite-store.js';
import { startFakeImageApi } from '../test/fakes/fake-image-api.js';
import { encodePng } from '../test/fakes/fake-image-api-png.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    provider: { type: 'string', default: 'offline' },
    'data-dir': { type: 'string' },
    out: { type: 'string', default: path.join('out', 'conversation') },
    model: { type: 'string', default: 'doubao-seedream-4-0-250828' },
  },
});
if (values.provider !== 'offline' && values.provider !== 'fake') {
  process.stderr.write(`--provider takes offline or fake, not ${values.provider}\n`);
  process.exit(64);
}
const dataDir = path.resolve(values['data-dir'] ?? mkdtempSync(path.join(tmpdir(), 'threadpaint-conversation-')));
const outDir = path.resolve(values.out);
const location = { platform: 'local', workspaceId: '', channelId: `drive-${Date.now().toString(36)}` } as const;
const stepTimeoutMs = 60_000;

const logger: EngineLogger = {
  info: () => {},
  warn: (details, message) => process.stderr.write(`warn: ${message} ${JSON.stringify(details)}\n`),
  error: (details, message) => process.stderr.write(`error: ${message} ${JSON.stringify(details)}\n`),
};

/** The provider for `--provider`, and how to stop what it started. */
async function createProvider(pipeline: ImagePipeline): Promise<{ provider: ImageProvider; close(): Promise<void> }> {
  if (values.provider === 'offline')
    return { provider: createOfflineImageProvider({ pipeline }), close: async () => {} };
  // A small PNG of its own per request, so every turn stores different bytes.
  const fake = await startFakeImageApi({
    b64Image: ({ body }) => {
      const [red = 0, green = 0, blue = 0] = createHash('sha256').update(JSON.stringify(body)).digest();
      return encodePng(96, 54, (x, y) => [(red + x) & 255, (green + y * 2) & 255, blue]);
    },
  });
  const downloader = createImageDownloader({ allowPrivate: true });
  const provider = createHttpImageProvider({ baseUrl: fake.url, apiKey: 'sk-test', pipeline, downloader });
  process.stdout.write(`fake image API on ${fake.url}\n`);
  return {
    provider,
    async close() {
      await provider.close();
      await downloader.close();
      if (fake.violations.length > 0) throw new Error(`the fake saw bad requests: ${JSON.stringify(fake.violations)}`);
      await fake.close();
    },
  };
}

function openEngine(provider: ImageProvider): { engine: ConversationEngine; store: Store } {
  const store = createSqliteStore({ path: path.join(dataDir, 'threadpaint.db') });
  const blobs = createFileBlobStore({ directory: path.join(dataDir, 'images') });
  const engine = createConversationEngine({
    store,
    blobs,
    provider,
    catalogue: createModelCatalogue(),
    logger,
    measure: measureImage,
    settings: { defaultModel: values.model, concurrency: 2 },
  });
  return { engine, store };
}

/** A path relative to the working directory when it is inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative || '.';
}

const terminal = new Set<JobEvent['type']>(['succeeded', 'failed', 'cancelled', 'interrupted', 'delivery_failed']);

/** Submits one delivery and resolves with its turn once the job is delivered; rejects with the member's message. */
function stepper(engine: ConversationEngine, written: Map<string, string[]>) {
  const ended = new Map<string, JobEvent>();
  const waiters = new Map<string, (event: JobEvent) => void>();
  engine.onEvent((event) => {
    if (!terminal.has(event.type)) return;
    ended.set(event.job.id, event);
    waiters.get(event.job.id)?.(event);
  });
  let count = 0;
  return async (
    request: Omit<
      InboundRequest,
      'platform' | 'workspaceId' | 'memberId' | 'idempotencyKey' | 'channelId' | 'delivery'
    >,
  ) => {
    const step = ++count;
    const result = await engine.submit({
      ...location,
      memberId: 'member-1',
      idempotencyKey: `local:${location.channelId}:${step}`,
      delivery: { channelId: location.channelId, step },
      ...request,
    });
    if (result.status !== 'queued') throw new Error(`step ${step} was taken for a duplicate`);
    const event = await new Promise<JobEvent>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`step ${step}: no result within ${stepTimeoutMs} ms`)),
        stepTimeoutMs,
      );
      const done = (outcome: JobEvent) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      const seen = ended.get(result.job.id);
      if (seen) done(seen);
      else waiters.set(result.job.id, done);
    });
    if (event.type !== 'succeeded') {
      const message = 'error' in event ? event.error.message : event.type;
      throw new Error(`step ${step} (${request.action}) ended ${event.type}: ${message}`);
    }
    const turn = await engine.getTurn(result.turn.id, result.job);
    if (!turn) throw new Error(`step ${step}: its turn is gone`);
    process.stdout.write(`${describeTurn(step, turn)}  → ${(written.get(result.job.id) ?? []).join(', ')}\n`);
    return turn;
  };
}

function describeTurn(step: number, turn: TurnRecord): string {
  const seeds = turn.outputImages.map((image) => image.seed ?? '—').join('/');
  const model = turn.parameters?.model ?? '?';
  return `${String(step).padStart(2)}. ${turn.action.padEnd(10)} ${JSON.stringify(turn.instruction).padEnd(26)} ${model}  seed ${turn.parameters?.seed ?? '—'} (outputs ${seeds})`;
}

interface Driven {
  readonly conversationId: string;
  readonly threadId: string;
}

async function drive(engine: ConversationEngine): Promise<Driven> {
  const written = new Map<string, string[]>();
  mkdirSync(outDir, { recursive: true });
  engine.attachPlatform({
    name: 'local',
    awaitsStatus: () => false,
    renderStatus: async () => undefined,
    async deliver({ job, images }) {
      const step = String(job.delivery['step'] ?? job.id).padStart(2, '0');
      const files = images.map((image, index) => {
        const file = path.join(
          outDir,
          `${step}-${job.action}-${index + 1}.${image.ref.mimeType.split('/')[1] ?? 'bin'}`,
        );
        writeFileSync(file, image.bytes);
        return shown(file);
      });
      written.set(job.id, files);
      // A platform links every message it posts to its turn, so a reply or a button finds it later.
      await Promise.all(
        images.map((_, index) =>
          engine.linkMessage({
            ...location,
            messageId: `${job.id}:${index}`,
            conversationId: job.conversationId,
            turnId: job.turnId,
            outputIndex: index,
          }),
        ),
      );
      return { messageId: `${job.id}:0` };
    },
  });
  const step = stepper(engine, written);
  const first = await step({ action: 'imagine', text: 'a lighthouse at dusk --ar 16:9' });
  const conversationId = first.conversationId;
  // As a platform does once the thread under the first message exists.
  const threadId = `thread-${first.id}`;
  await engine.updateConversation(conversationId, { threadId });
  // Thread replies: each edit starts from the latest delivered turn's first image.
  let latest = first;
  for (const instruction of ['make it stormy', 'add a red boat', 'night time']) {
    latest = await step({ action: 'edit', text: instruction, conversationId });
  }
  const reroll = await step({ action: 'reroll', text: '', conversationId, target: { turnId: latest.id } });
  await step({
    action: 'variations',
    text: '',
    conversationId,
    options: { count: 2 },
    target: { turnId: reroll.id, index: 0 },
  });
  return { conversationId, threadId };
}

async function readBack({ conversationId, threadId }: Driven): Promise<void> {
  const offline = createOfflineImageProvider();
  const { engine, store } = openEngine(offline);
  const blobs = createFileBlobStore({ directory: path.join(dataDir, 'images') });
  try {
    const recovered = await engine.start();
    const conversation = await engine.findConversation({ ...location, threadId });
    if (conversation?.id !== conversationId)
      throw new Error('the conversation is not found at its thread after the restart');
    const turns = await store.listTurns(conversationId);
    process.stdout.write(
      `\nafter a restart (new store + engine on ${dataDir}; start() → ${JSON.stringify(recovered)}):\n` +
        `conversation ${conversation.id} in ${conversation.channelId}, model ${conversation.model}, ${turns.length} turns\n`,
    );
    for (const [index, turn] of turns.entries()) {
      const job = await engine.getJob(turn.jobId, conversation);
      const outputs = await Promise.all(
        turn.outputImages.map(async (image) => {
          const bytes = await blobs.get(image.hash); // checks the bytes against their hash
          return `${image.hash.slice(0, 10)} ${image.width}x${image.height} ${bytes.byteLength} B`;
        }),
      );
      const parent = turns.findIndex((candidate) => candidate.id === turn.parentTurnId);
      const links = await store.listMessagesOfTurn(turn.id);
      process.stdout.write(
        `${describeTurn(index + 1, turn)}\n      job ${job?.state}, parent ${parent >= 0 ? `turn ${parent + 1}` : '—'}, ` +
          `inputs ${turn.inputImages.map((image) => image.hash.slice(0, 10)).join(', ') || '—'}, ${links.length} message link(s)\n` +
          `      outputs ${outputs.join('; ')}\n`,
      );
      if (job?.state !== 'delivered' || outputs.length === 0 || links.length !== outputs.length) {
        throw new Error(`turn ${index + 1} did not survive the restart whole`);
      }
    }
  } finally {
    await engine.shutdown();
    await store.close();
  }
}

const pipeline = createImagePipeline();
const handle = await createProvider(pipeline);
let exitCode = 0;
try {
  process.stdout.write(
    `driving a conversation with the ${values.provider} provider (model ${values.model}); data in ${dataDir}\n\n`,
  );
  const { engine, store } = openEngine(handle.provider);
  let driven: Driven;
  try {
    await engine.start();
    driven = await drive(engine);
  } finally {
    await engine.shutdown();
    await store.close();
  }
  await readBack(driven);
  process.stdout.write(`\nimages in ${shown(outDir)}\n`);
} catch (error) {
  process.stderr.write(`drive-conversation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
} finally {
  await handle.close();
  if (values['data-dir'] === undefined) rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
