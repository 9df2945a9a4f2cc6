import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { builtinModels } from '../../src/core/models/builtin-models.js';
import { sniffImageType } from '../../src/images/image-type.js';
import { answerFault, invalidTokenBody } from './fake-image-api-faults.js';
import { createGenerationAnswerer } from './fake-image-api-generation.js';
import { createNewApiGateway, type RecordedFields } from './fake-image-api-new-api.js';
import { sensitiveWords as sensitiveWordsBody } from './fake-image-api-new-api-errors.js';
import { createOneApiGateway } from './fake-image-api-one-api.js';
import { defaultFakePng } from './fake-image-api-png.js';
import { errorBody, sendJson } from './fake-image-api-responses.js';
import { defaultSensitiveWords, hitsSensitiveWord } from './fake-image-api-sensitive.js';
import type {
  FakeFault,
  FakeImageApi,
  FakeImageApiOptions,
  FakeViolation,
  RecordedRequest,
} from './fake-image-api-types.js';
import { createWaiters } from './fake-image-api-waiters.js';

export type {
  FakeDialect,
  FakeFamily,
  FakeFault,
  FakeFormPart,
  FakeGenerationRequest,
  FakeImageApi,
  FakeImageApiOptions,
  FakeViolation,
  RecordedRequest,
} from './fake-image-api-types.js';

/** new-api's default request body limit; beyond it the gateway answers 413. */
const maxRequestBytes = 128 * 1024 * 1024;

/**
 * Starts a loopback fake of the unified image API (docs/image-api.md): it checks every generation body against the wire
 * format of its dialect (`documented` by default, or stock `new-api`), records requests, and plays scripted faults.
 * Listens on 127.0.0.1, port 0.
 */
export async function startFakeImageApi(options: FakeImageApiOptions = {}): Promise<FakeImageApi> {
  const apiKey = options.apiKey ?? 'sk-test';
  const recordBodies = options.recordBodies ?? true;
  const maxRecorded = options.maxRecordedRequests ?? 10_000;
  const models = options.models ?? builtinModels.map((model) => model.id);
  const dialect = options.dialect ?? 'documented';
  const sensitiveWords = options.sensitiveWords ?? defaultSensitiveWords;
  // Stock new-api names its version on every answer; the documented gateway's headers are not documented.
  const versionHeader =
    options.newApiVersion !== undefined ? options.newApiVersion : dialect === 'new-api' ? 'v0.9.0-fake' : null;
  const requests: RecordedRequest[] = [];
  const violations: FakeViolation[] = [];
  const faults: FakeFault[] = [];
  const waiters = createWaiters(() => requests);
  const closing = new AbortController();
  const tag = randomBytes(4).toString('hex');
  let latencyMs = options.latencyMs ?? 0;
  let defaultResult: FakeFault | undefined;
  let counter = 0;
  let baseUrl = '';
  const imageBytes = options.imageBytes ?? defaultFakePng();
  const generation = createGenerationAnswerer({
    imageBytes,
    b64Image: options.b64Image,
    envelope: options.envelope ?? false,
    fileUrl: (id) => `${baseUrl}/files/${id}.png`,
  });
  const gatewaySettings = {
    apiKey,
    models,
    recordBodies,
    envelope: options.envelope ?? false,
    generation,
    imageFor: generation.imageFor,
    sensitiveWords,
    passThrough: options.passThrough ?? false,
  };
  const oneApi = dialect === 'one-api' ? createOneApiGateway(gatewaySettings) : undefined;
  const newApi =
    dialect === 'new-api'
      ? createNewApiGateway({
          ...gatewaySettings,
          violation: (requestId, model, message) => void violations.push({ requestId, model, message }),
          nextFault: () => faults.shift() ?? defaultResult,
          wait: () => (latencyMs > 0 ? delay(latencyMs, closing.signal) : Promise.resolve(true)),
          missingFileUrl: (requestId) => `${baseUrl}/files/expired-${requestId}.png`,
        })
      : undefined;

  function record(entry: RecordedRequest): void {
    requests.push(entry);
    if (requests.length > maxRecorded) requests.shift();
    waiters.notify(entry);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const requestId = `fake-${tag}-${++counter}`;
    response.setHeader('x-oneapi-request-id', requestId);
    if (versionHeader !== null) response.setHeader('x-new-api-version', versionHeader);
    const raw = await readBody(request);
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const base = { requestId, method, path, headers: request.headers, rawBytes: raw.length, receivedAt };
    if (newApi) {
      return newApi(request, response, raw, requestId, (fields: RecordedFields) => record({ ...base, ...fields }));
    }
    if (oneApi) {
      return oneApi(request, response, raw, requestId, (fields: RecordedFields) => record({ ...base, ...fields }));
    }
    const body = parseJson(raw.bytes);
    record({ ...base, body: recordBodies ? body.value : undefined });

    const route = `${method} ${path.split('?')[0]}`;
    if (method === 'GET' && path.startsWith('/files/')) return serveFile(response, path);
    if (route !== 'POST /v1/images/generations' && route !== 'GET /v1/models') {
      return sendJson(response, 404, errorBody(`Invalid URL (${route})`, 'invalid_request_error', 'not_found'));
    }
    if (request.headers.authorization !== `Bearer ${apiKey}`) return sendJson(response, 401, invalidTokenBody);
    if (route === 'GET /v1/models') {
      const data = models.map((id) => ({ id, object: 'model', owned_by: 'fake' }));
      return sendJson(response, 200, { object: 'list', data });
    }
    if (!raw.bytes) {
      return sendJson(response, 413, errorBody('request body too large', 'new_api_error', 'read_request_body_failed'));
    }

    const check = generation.check(request.headers['content-type'], body);
    if (check.kind === 'unknown-model') {
      const message = `model ${check.model} not found`;
      return sendJson(response, 404, errorBody(message, 'invalid_request_error', 'model_not_found'));
    }
    if (check.kind === 'invalid') {
      const message = `fake: ${check.problems.join('; ')}`;
      violations.push({ requestId, model: check.model, message });
      return sendJson(response, 400, errorBody(message, 'invalid_request_error', 'fake_shape_violation'));
    }
    // The documented gateway is a new-api fork: its prompt word filter is on by default too.
    if (hitsSensitiveWord(body.value, sensitiveWords)) return sendJson(response, 500, sensitiveWordsBody(requestId));
    const fault = faults.shift() ?? defaultResult;
    if (latencyMs > 0 && !(await delay(latencyMs, closing.signal))) return;
    if (!fault) return generation.answer(response, check);
    const missingFileUrl = `${baseUrl}/files/expired-${requestId}.png`;
    const context = { response, model: check.model, family: check.family, envelope: options.envelope ?? false };
    const image = () => generation.imageFor({ ...check, index: 0 });
    return answerFault(fault, { ...context, missingFileUrl, requestId, image });
  }

  function serveFile(response: ServerResponse, path: string): void {
    const bytes = generation.file(/^\/files\/([\w-]+)\.png$/.exec(path)?.[1] ?? '');
    if (!bytes) {
      sendJson(response, 404, errorBody('file not found', 'invalid_request_error', 'not_found'));
      return;
    }
    const type = sniffImageType(bytes)?.mimeType ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, 'content-length': bytes.byteLength });
    response.end(bytes);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      sendJson(response, 500, errorBody(`fake: ${String(error)}`, 'new_api_error', 'fake_internal_error'));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    dialect,
    get requests() {
      return requests;
    },
    get violations() {
      return violations;
    },
    enqueue: (...queued) => void faults.push(...queued),
    setDefaultResult(fault) {
      defaultResult = fault;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    waitFor: waiters.waitFor,
    reset() {
      requests.length = 0;
      violations.length = 0;
      faults.length = 0;
      defaultResult = undefined;
    },
    async close() {
      closing.abort();
      if (!server.listening) return;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The body, or undefined past new-api's limit (then drained, not kept), and its length. */
async function readBody(request: IncomingMessage): Promise<{ bytes: Buffer | undefined; length: number }> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.byteLength;
    if (length <= maxRequestBytes) chunks.push(chunk);
    else chunks.length = 0;
  }
  return { bytes: length <= maxRequestBytes ? Buffer.concat(chunks, length) : undefined, length };
}

function parseJson(raw: Buffer | undefined): { ok: boolean; value: unknown } {
  if (!raw || raw.byteLength === 0) return { ok: false, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false, value: undefined };
  }
}

/** Resolves true after `ms`, false if the fake closes first. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
