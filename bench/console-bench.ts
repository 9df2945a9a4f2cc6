/**
 * What the playground's sidebar, the operator console and the pages' event stream cost: on a SQLite store (a fresh
 * temporary DATA_DIR) with 20,000 jobs across three platforms and 2,000 playground conversations, the time of each
 * list the page and the console read (the median of 20 reads); then 32 pages (the most streams at once) subscribed
 * over HTTP on loopback, 2,000 job events published, how long until every page had them all, and the process's RSS
 * before and after.
 *
 *   npm run bench:console
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobRecord, Platform } from '../src/core/records.js';
import { PlaygroundEvents } from '../src/platforms/local/playground-events.js';
import { createSqliteStore } from '../src/store/sqlite-store.js';

const jobs = 20_000;
const conversations = 2_000;
const streams = 32;
const events = 2_000;
const platforms: Platform[] = ['discord', 'slack', 'local'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

async function timed(what: string, read: () => Promise<unknown>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    await read();
    samples.push(performance.now() - start);
  }
  console.log(`${what.padEnd(58)} ${median(samples).toFixed(2)} ms`);
}

async function lists(dir: string): Promise<void> {
  const store = createSqliteStore({ path: path.join(dir, 'threadpaint.db') });
  const at = Date.now() - 3_600_000;
  for (let i = 0; i < jobs; i++) {
    const platform = platforms[i % 3] as Platform;
    const local = platform === 'local' && i / 3 < conversations;
    const id = `c${i}`;
    const job: JobRecord = {
      id: `j${i}`,
      conversationId: id,
      turnId: `t${i}`,
      platform,
      workspaceId: platform === 'local' ? '' : `W${i % 40}`,
      memberId: platform === 'local' && local ? 'playground' : `M${i % 500}`,
      action: 'imagine',
      state: i % 17 === 0 ? 'failed' : 'delivered',
      input: { prompt: `prompt ${i}`, attachments: [] },
      delivery: {},
      costUnits: 1,
      createdAt: at + i,
      updatedAt: at + i,
    };
    await store.createJobWithKey(`key-${i}`, {
      conversation: {
        id,
        platform,
        workspaceId: job.workspaceId,
        channelId: 'C',
        ownerId: job.memberId,
        model: 'gemini-2.5-flash-image',
        createdAt: at + i,
        updatedAt: at + i,
      },
      turn: {
        id: job.turnId,
        conversationId: id,
        authorId: job.memberId,
        action: 'imagine',
        instruction: job.input.prompt,
        inputImages: [],
        outputImages: [],
        jobId: job.id,
        upstreamRequestIds: [],
        notices: [],
        createdAt: at + i,
      },
      job,
      reservation: {
        id: `u${i}`,
        at: at + i,
        platform,
        workspaceId: job.workspaceId,
        memberId: job.memberId,
        model: 'gemini-2.5-flash-image',
        tier: '1K',
        count: 1,
        outcome: 'succeeded',
        costUnits: 1,
        jobId: job.id,
      },
    });
  }
  console.log(
    `store: ${jobs.toLocaleString('en')} jobs, ${conversations.toLocaleString('en')} playground conversations`,
  );
  await timed('sidebar: 100 newest conversations of the playground', () =>
    store.listConversations({ platform: 'local', workspaceId: '', ownerId: 'playground', limit: 100 }),
  );
  await timed('console: 200 newest jobs, any platform', () => store.listJobs({ limit: 200 }));
  await timed('console: 200 newest failed jobs of one Slack workspace', () =>
    store.listJobs({ platform: 'slack', workspaceId: 'W2', states: ['failed'], limit: 200 }),
  );
  await timed('console: usage per member, last 24 h (200 rows)', () =>
    store.usageByMember({ since: at - 1, limit: 200 }),
  );
  await store.close();
}

async function stream(): Promise<void> {
  const hub = new PlaygroundEvents({ maxStreams: streams });
  const server = createServer((incoming, response) => hub.open(incoming, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const before = rssMb();
  let done = 0;
  let finished: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const opened: Promise<void>[] = [];
  for (let i = 0; i < streams; i++) {
    opened.push(
      new Promise<void>((resolve) => {
        const outgoing = request({ port, host: '127.0.0.1', path: '/api/events', agent: false }, (response) => {
          resolve();
          let seen = 0;
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            seen += chunk.split('\nevent: job\n').length - 1;
            if (seen === events) {
              outgoing.destroy();
              if (++done === streams) finished();
            }
          });
        });
        outgoing.end();
      }),
    );
  }
  await Promise.all(opened);
  const start = performance.now();
  for (let i = 0; i < events; i++) {
    hub.publish({ type: 'job', data: { conversationId: 'c', turnId: `t${i}`, event: 'queued', job: { id: `j${i}` } } });
  }
  await allDone;
  const elapsed = performance.now() - start;
  console.log(
    `stream: ${events.toLocaleString('en')} events to ${streams} pages in ${elapsed.toFixed(0)} ms ` +
      `(${((events * streams) / (elapsed / 1000)).toFixed(0)} deliveries/s); RSS ${before.toFixed(0)} → ${rssMb().toFixed(0)} MB`,
  );
  hub.closeAll();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const dir = mkdtempSync(path.join(tmpdir(), 'threadpaint-console-bench-'));
try {
  await lists(dir);
  await stream();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
