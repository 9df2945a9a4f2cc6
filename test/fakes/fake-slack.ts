import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMethods, type MethodResult } from './fake-slack-methods.js';
import { createFileRoutes, type Fault } from './fake-slack-routes.js';
import { attachSocketMode } from './fake-slack-socket.js';
import { loadSpecValidator } from './fake-slack-spec.js';
import { defaultChannels, defaultUsers, SlackWorkspace } from './fake-slack-state.js';
import type { FakeSlack, FakeSlackCall, FakeSlackEchoSink, FakeSlackOptions } from './fake-slack-types.js';
import { createCallWaiters } from './fake-slack-waiters.js';

export type * from './fake-slack-types.js';

/**
 * A loopback fake of Slack's Web API (`/api/<method>`, form-urlencoded or JSON, `Authorization: Bearer`), the
 * external upload URL of `files.uploadV2`, `url_private` file serving that requires the bot token, and
 * `response_url`s. Arguments are checked against Slack's OpenAPI spec and Block Kit's limits; faults are scripted
 * per method. Listens on 127.0.0.1, port 0.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-test';
  const appToken = options.appToken ?? 'xapp-test';
  const teamId = options.teamId ?? 'T1';
  const botUserId = options.botUserId ?? 'UBOT';
  const botId = options.botId ?? 'BBOT';
  const recordArgs = options.recordArgs ?? true;
  const spec = loadSpecValidator(options.specPath);
  let baseUrl = '';
  let otherUrl = '';
  const workspace = new SlackWorkspace(
    () => baseUrl,
    teamId,
    botUserId,
    options.channels ?? defaultChannels,
    options.users ?? defaultUsers,
  );
  const calls: FakeSlackCall[] = [];
  const violations: string[] = [];
  const faults = new Map<string, Fault[]>();
  const otherHostRequests: { path: string; headers: IncomingHttpHeaders }[] = [];
  const waiters = createCallWaiters(() => calls);
  const pendingEchoes = new Set<Promise<void>>();
  let echoSink: FakeSlackEchoSink | undefined;

  const methods = createMethods({
    workspace,
    botId,
    triggerTtlMs: options.triggerTtlMs ?? 3000,
    violation: (message) => violations.push(message),
    echo(event) {
      const sink = echoSink;
      if (!sink) return;
      // Slack delivers the echo after answering the call, on its own connection.
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => sink(event))
        .catch(() => {})
        .finally(() => pendingEchoes.delete(delivery));
      pendingEchoes.add(delivery);
    },
  });

  function record(
    request: IncomingMessage,
    method: string,
    args: Record<string, unknown>,
    status: number,
    response: MethodResult,
  ) {
    const call: FakeSlackCall = {
      method,
      path: request.url ?? '/',
      headers: request.headers,
      args: recordArgs ? args : {},
      response,
      status,
      at: performance.now(),
    };
    calls.push(call);
    waiters.notify(call);
  }

  function takeFault(method: string, args: Record<string, unknown> = {}): Fault | undefined {
    const list = faults.get(method);
    const index = list?.findIndex((fault) => fault.kind !== 'fail' || !fault.when || fault.when(args)) ?? -1;
    return index < 0 ? undefined : list?.splice(index, 1)[0];
  }

  const { upload, serveFile, respond } = createFileRoutes({ workspace, botToken, violations, record, takeFault });

  function answer(response: ServerResponse, status: number, body: MethodResult, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
  }

  async function api(request: IncomingMessage, response: ServerResponse, method: string, raw: Buffer) {
    const args = parseArgs(request.headers['content-type'], raw);
    const reply = (status: number, body: MethodResult, headers?: Record<string, string>) => {
      record(request, method, args, status, body);
      answer(response, status, body, headers);
    };
    const auth = request.headers.authorization;
    // Socket Mode connections are opened with the app-level token; everything else takes the bot token.
    const token = method === 'apps.connections.open' ? appToken : botToken;
    if (!auth) return reply(200, { ok: false, error: 'not_authed' });
    if (auth !== `Bearer ${token}`) return reply(200, { ok: false, error: 'invalid_auth' });
    const fault = takeFault(method, args);
    if (fault?.kind === 'rate')
      return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.seconds) });
    if (fault?.kind === 'fail') return reply(200, { ok: false, error: fault.error, ...fault.extra });
    if (method === 'apps.connections.open') return reply(200, { ok: true, url: socketMode.url() });
    const handler = methods[method];
    if (!handler) return reply(200, { ok: false, error: 'unknown_method' });
    const problems = spec.check(method, args);
    if (problems.length > 0) {
      violations.push(...problems);
      return reply(200, { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } });
    }
    reply(200, handler(args));
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const raw = await readBody(request);
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    const apiMatch = /^\/api\/([\w.]+)$/.exec(path);
    if (apiMatch?.[1] && request.method === 'POST') return api(request, response, apiMatch[1], raw);
    const uploadMatch = /^\/upload\/(\w+)$/.exec(path);
    if (uploadMatch?.[1] && request.method === 'POST') return upload(request, response, uploadMatch[1], raw);
    const fileMatch = /^\/files-pri\/\w+-(\w+)\//.exec(path);
    if (fileMatch?.[1] && request.method === 'GET') {
      filesRequested++;
      await fileGate;
      return serveFile(request, response, fileMatch[1]);
    }
    const redirectMatch = /^\/files-redirect\/(\w+)\//.exec(path);
    if (redirectMatch?.[1]) {
      record(request, 'file', { fileId: redirectMatch[1], redirected: true }, 302, {});
      response.writeHead(302, { location: `${otherUrl}/cdn/${redirectMatch[1]}` });
      return response.end();
    }
    const respondMatch = /^\/respond\/(\d+)$/.exec(path);
    if (respondMatch?.[1] && request.method === 'POST') return respond(request, response, Number(respondMatch[1]), raw);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`fake Slack: ${String(error)}`);
    });
  });
  // The non-Slack host: serves the same files to anyone and remembers which headers it was sent.
  const other = createServer((request, response) => {
    otherHostRequests.push({ path: request.url ?? '/', headers: request.headers });
    const file = workspace.files.get(/^\/(?:cdn|foreign)\/(\w+)/.exec(request.url ?? '')?.[1] ?? '');
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file.mimetype, 'content-length': file.bytes.byteLength }).end(file.bytes);
  });
  let fileGate: Promise<void> = Promise.resolve();
  let filesRequested = 0;
  const socketMode = attachSocketMode(server, () => baseUrl);
  baseUrl = await listen(server);
  otherUrl = await listen(other);

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    otherHostUrl: otherUrl,
    botToken,
    appToken,
    socket: { send: socketMode.send, connections: () => socketMode.connections },
    teamId,
    botUserId,
    botId,
    calls,
    violations,
    otherHostRequests,
    messages: workspace.messages,
    ephemerals: workspace.ephemerals,
    responses: workspace.responses,
    views: workspace.views,
    homeViews: workspace.homeViews,
    callsOf: (method) => calls.filter((call) => call.method === method),
    waitFor: waiters.waitFor,
    waitForCalls: waiters.waitForCalls,
    failNext(method, error, extra = {}, when) {
      faults.set(method, [...(faults.get(method) ?? []), { kind: 'fail', error, extra, ...(when ? { when } : {}) }]);
    },
    rateLimitNext(method, seconds) {
      faults.set(method, [...(faults.get(method) ?? []), { kind: 'rate', seconds }]);
    },
    postAsMember({ channel, user, text, threadTs, files = [] }) {
      return workspace.addMessage({ channel, user, text, ...(threadTs ? { threadTs } : {}), fromBot: false, files }).ts;
    },
    fileObject(id) {
      const file = workspace.files.get(id);
      if (!file) throw new Error(`fake Slack: no file ${id}`);
      return workspace.fileObject(file);
    },
    addFile(bytes, fileOptions = {}) {
      const file = workspace.addFile(bytes, { ...fileOptions, user: fileOptions.user ?? 'U1' });
      file.completed = true;
      return workspace.fileObject(file);
    },
    stubFile(bytes, stubOptions = {}) {
      const file = workspace.addFile(bytes, { name: stubOptions.name ?? 'shared.png', user: 'U1' });
      file.completed = true;
      file.access = stubOptions.access ?? 'visible';
      return file.access === 'hidden_by_limit'
        ? { id: file.id, mode: 'hidden_by_limit', created: 0, timestamp: 0, user: '' }
        : { id: file.id, mode: 'file_access', file_access: 'check_file_info', created: 0, timestamp: 0, user: '' };
    },
    foreignFile(bytes, name = 'elsewhere.png') {
      const file = workspace.addFile(bytes, { name, user: 'U1' });
      const url = `${otherUrl}/foreign/${file.id}/${name}`;
      return { ...workspace.fileObject(file), url_private: url, url_private_download: url };
    },
    deleteFile(id) {
      const file = workspace.files.get(id);
      if (file) file.deleted = true;
    },
    holdFiles() {
      let release = () => {};
      fileGate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return release;
    },
    get filesRequested() {
      return filesRequested;
    },
    redirectingFile(bytes, name = 'moved.png') {
      const file = workspace.addFile(bytes, { name, user: 'U1' });
      const url = `${baseUrl}/files-redirect/${file.id}/${name}`;
      return { ...workspace.fileObject(file), url_private: url, url_private_download: url };
    },
    responseUrl: () => workspace.issueResponseUrl(),
    triggerId: () => workspace.issueTrigger(),
    message: (channel, ts) => workspace.message(channel, ts),
    file: (id) => workspace.files.get(id),
    thread: (channel, threadTs) =>
      workspace.messages.filter((message) => message.channel === channel && message.threadTs === threadTs),
    isMember: (channel, user) => workspace.isMember(channel, user),
    echoTo(sink) {
      echoSink = sink;
    },
    async close() {
      echoSink = undefined;
      await Promise.allSettled([...pendingEchoes]);
      socketMode.close();
      await Promise.all([stop(server), stop(other)]);
    },
  };
}

function parseArgs(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/json')) {
    try {
      return JSON.parse(text || '{}');
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await closed;
}
