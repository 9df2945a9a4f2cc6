/**
 * The fake Slack and the fake image API in their own process for the Slack benchmark: their work (spec checks,
 * recording, 2-second delayed answers) must not share the event loop of the load generator, whose clock measures
 * the acks. Answers `FakesCommand`s over the IPC channel.
 */
import { setMaxListeners } from 'node:events';
import { startFakeImageApi } from '../test/fakes/fake-image-api.js';
import { type FakeSlackCall, startFakeSlack } from '../test/fakes/fake-slack.js';

export type FakesCommand =
  | { readonly kind: 'start'; readonly members: number; readonly latencyMs: number }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'mark' }
  | { readonly kind: 'complete'; readonly total: number; readonly timeoutMs: number }
  | { readonly kind: 'close' };

export interface CompletionStats {
  readonly timedOut: boolean;
  /** Milliseconds from `mark` to the last done update or upload. */
  readonly lastDoneMs: number;
  readonly roots: number;
  readonly doneRoots: number;
  readonly uploadedRoots: number;
  readonly upstreamCalls: number;
  readonly callsByMethod: Readonly<Record<string, { count: number; limited: number; failed: number }>>;
  readonly violations: readonly string[];
}

export type FakesReply =
  | {
      readonly kind: 'ready';
      readonly apiUrl: string;
      readonly url: string;
      readonly botToken: string;
      readonly imageApiUrl: string;
    }
  | { readonly kind: 'ok' }
  | ({ readonly kind: 'complete' } & CompletionStats)
  | { readonly kind: 'closed' };

const reply = (message: FakesReply) => process.send?.(message);
const isDone = (call: FakeSlackCall) =>
  call.method === 'chat.update' && call.response['ok'] === true && String(call.args['text']).includes('Done');
const isUpload = (call: FakeSlackCall) =>
  call.method === 'files.completeUploadExternal' && call.response['ok'] === true;

// The fake image API hangs each delayed answer on one shared AbortSignal (its close): hundreds at once are expected.
setMaxListeners(10_000);
let fakes:
  | { slack: Awaited<ReturnType<typeof startFakeSlack>>; imageApi: Awaited<ReturnType<typeof startFakeImageApi>> }
  | undefined;
let mark = { calls: 0, upstream: 0, at: 0 };

process.on('message', async (command: FakesCommand) => {
  switch (command.kind) {
    case 'start': {
      const members = Array.from({ length: command.members }, (_, index) => ({
        id: `U${String(index + 1).padStart(5, '0')}`,
      }));
      const slack = await startFakeSlack({
        users: members,
        channels: [{ id: 'C1', name: 'bench', members: members.map((member) => member.id) }],
      });
      const imageApi = await startFakeImageApi({ latencyMs: command.latencyMs, recordBodies: false });
      fakes = { slack, imageApi };
      return reply({
        kind: 'ready',
        apiUrl: slack.apiUrl,
        url: slack.url,
        botToken: slack.botToken,
        imageApiUrl: imageApi.url,
      });
    }
    case 'latency':
      fakes?.imageApi.setLatency(command.ms);
      return reply({ kind: 'ok' });
    case 'mark':
      mark = {
        calls: fakes?.slack.calls.length ?? 0,
        upstream: fakes?.imageApi.requests.length ?? 0,
        at: performance.now(),
      };
      return reply({ kind: 'ok' });
    case 'complete':
      return reply({ kind: 'complete', ...(await completion(command.total, command.timeoutMs)) });
    case 'close':
      await Promise.all([fakes?.slack.close(), fakes?.imageApi.close()]);
      reply({ kind: 'closed' });
      process.disconnect();
  }
});

/** Waits (on the recorder, no polling) until `total` roots are done and uploaded, then sums up what came after `mark`. */
async function completion(total: number, timeoutMs: number): Promise<CompletionStats> {
  if (!fakes) throw new Error('fakes not started');
  const { slack, imageApi } = fakes;
  const after = (call: FakeSlackCall) => call.at >= mark.at;
  const done = await slack
    .waitForCalls('chat.update', total, (call) => isDone(call) && after(call), timeoutMs)
    .catch(() => undefined);
  const uploads = await slack
    .waitForCalls('files.completeUploadExternal', total, (call) => isUpload(call) && after(call), timeoutMs)
    .catch(() => undefined);
  const calls = slack.calls.slice(mark.calls);
  const roots = new Set(
    calls
      .filter(
        (call) =>
          call.method === 'chat.postMessage' && call.args['thread_ts'] === undefined && call.response['ok'] === true,
      )
      .map((call) => String(call.response['ts'])),
  );
  const callsByMethod: Record<string, { count: number; limited: number; failed: number }> = {};
  for (const call of calls) {
    const entry = callsByMethod[call.method] ?? { count: 0, limited: 0, failed: 0 };
    callsByMethod[call.method] = entry;
    entry.count++;
    if (call.status === 429) entry.limited++;
    else if (call.response['ok'] === false) entry.failed++;
  }
  const finished = calls.filter((call) => isDone(call) || isUpload(call)).map((call) => call.at);
  return {
    timedOut: !done || !uploads,
    lastDoneMs: Math.max(0, ...finished) - mark.at,
    roots: roots.size,
    doneRoots: new Set(
      calls.filter((call) => isDone(call) && roots.has(String(call.args['ts']))).map((call) => String(call.args['ts'])),
    ).size,
    uploadedRoots: new Set(
      calls
        .filter((call) => isUpload(call) && roots.has(String(call.args['thread_ts'])))
        .map((call) => String(call.args['thread_ts'])),
    ).size,
    upstreamCalls: imageApi.requests.length - mark.upstream,
    callsByMethod,
    violations: [...slack.violations, ...imageApi.violations.map((violation) => violation.message)],
  };
}
