import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerFault } from './fake-image-api-faults.js';
import { answerGeminiChat, answerGeminiNative, faultImages } from './fake-image-api-gemini-answers.js';
import { checkGeminiChat, checkGeminiNative } from './fake-image-api-gemini-shapes.js';
import type { createGenerationAnswerer } from './fake-image-api-generation.js';
import { parseMultipart } from './fake-image-api-multipart.js';
import {
  convertFailed,
  geminiInvalidArgument,
  newApiError,
  newApiInvalidToken,
  newApiRefusal,
  noChannel,
  sensitiveWords,
} from './fake-image-api-new-api-errors.js';
import { checkNewApiEdits, checkNewApiGenerations, type NewApiCheck } from './fake-image-api-new-api-shapes.js';
import { sendJson } from './fake-image-api-responses.js';
import { hitsSensitiveWord } from './fake-image-api-sensitive.js';
import type { FakeFault, FakeFormPart, FakeGenerationRequest } from './fake-image-api-types.js';

export interface NewApiGateway {
  readonly apiKey: string;
  readonly models: readonly string[];
  readonly recordBodies: boolean;
  readonly envelope: boolean;
  readonly generation: ReturnType<typeof createGenerationAnswerer>;
  readonly imageFor: (request: FakeGenerationRequest) => Uint8Array;
  readonly sensitiveWords: readonly string[];
  /** The channel passes the body through: Seedream's extra fields are kept. */
  readonly passThrough: boolean;
  violation(requestId: string, model: string | undefined, message: string): void;
  nextFault(): FakeFault | undefined;
  /** The simulated latency; false when the fake closed meanwhile. */
  wait(): Promise<boolean>;
  missingFileUrl(requestId: string): string;
}

/** What the dialect adds to a recorded request once it has judged it. */
export interface RecordedFields {
  readonly body: unknown;
  readonly dropped?: readonly string[];
  readonly parts?: readonly FakeFormPart[];
}

/** Faults with a Gemini-shaped answer on chat and native routes; the rest answer as on the images endpoints. */
const geminiFaults = new Set<FakeFault['kind']>([
  'moderation',
  'content-filter',
  'text-only',
  'b64-of-size',
  'bad-base64',
]);

const nativePath = /^\/v1beta\/models\/([^/:]+):generateContent$/;

/**
 * The stock new-api dialect of the fake: `/v1/images/generations` keeps only its listed fields (the rest is recorded
 * as dropped), Gemini goes through chat completions or native `generateContent`, GPT edits through
 * `/v1/images/edits`, and errors carry new-api's shapes.
 */
export function createNewApiGateway(gateway: NewApiGateway) {
  const issued = new Set<string>();
  const tag = randomBytes(3).toString('hex');
  let signatures = 0;
  const issueSignature = () => {
    const signature = Buffer.from(`fake-thought-${tag}-${++signatures}`).toString('base64');
    issued.add(signature);
    return signature;
  };

  return async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    raw: { bytes: Buffer | undefined },
    requestId: string,
    record: (fields: RecordedFields) => void,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://fake');
    const route = `${method} ${url.pathname}`;
    const native = method === 'POST' ? nativePath.exec(url.pathname) : null;
    const contentType = request.headers['content-type'];
    const parts = await parseMultipart(raw.bytes, contentType);
    const body = parts ? undefined : parseJson(raw.bytes);
    let check: NewApiCheck | undefined;
    if (route === 'POST /v1/images/generations') check = checkNewApiGenerations(body, gateway.passThrough);
    else if (route === 'POST /v1/images/edits') check = checkNewApiEdits(body, parts);
    else if (route === 'POST /v1/chat/completions') check = checkGeminiChat(body);
    else if (native) check = checkGeminiNative(decodeURIComponent(native[1] as string), body, issued);
    const recordedBody = parts
      ? Object.fromEntries(parts.flatMap((part) => (part.value !== undefined ? [[part.name, part.value]] : [])))
      : body;
    record({
      body: gateway.recordBodies ? recordedBody : undefined,
      ...(check ? { dropped: check.dropped } : {}),
      ...(parts && gateway.recordBodies ? { parts } : {}),
    });

    if (method === 'GET' && url.pathname.startsWith('/files/')) return serveFile(response, url.pathname, requestId);
    if (!check && route !== 'GET /v1/models') {
      return sendJson(
        response,
        404,
        newApiError(`Invalid URL (${route})`, 'invalid_request_error', 'not_found', requestId),
      );
    }
    if (!authorized(request, url, gateway.apiKey, native !== null || route === 'GET /v1/models')) {
      return sendJson(response, 401, newApiInvalidToken(requestId));
    }
    if (!check) {
      const data = gateway.models.map((id) => ({
        id,
        object: 'model',
        owned_by: 'fake',
        supported_endpoint_types: [],
      }));
      return sendJson(response, 200, { success: true, object: 'list', data });
    }
    if (!raw.bytes) {
      const error = newApiError('request body too large', 'new_api_error', 'read_request_body_failed', requestId);
      return sendJson(response, 413, error);
    }
    // controller/relay.go's order: channel (the model), request validation, the word filter, then conversion.
    if (check.kind === 'unknown-model') return sendJson(response, 503, noChannel(check.model, requestId));
    if (check.kind === 'invalid' && check.gateway) return answerInvalid(response, check, requestId);
    const text = parts ? Object.fromEntries(parts.map((part) => [part.name, part.value])) : body;
    if (hitsSensitiveWord(text, gateway.sensitiveWords)) return sendJson(response, 500, sensitiveWords(requestId));
    switch (check.kind) {
      case 'convert-failed':
        return sendJson(response, 500, convertFailed(requestId));
      case 'invalid':
        return answerInvalid(response, check, requestId);
    }
    const fault = gateway.nextFault();
    if (!(await gateway.wait())) return;
    const kind = route === 'POST /v1/chat/completions' ? 'chat' : native ? 'native' : 'images';
    return answer(response, check, kind, fault, requestId);
  };

  /** A request the fake refuses: new-api's own validation (HTTP 500), Gemini's (400), or a client bug (400). */
  function answerInvalid(
    response: ServerResponse,
    check: Extract<NewApiCheck, { kind: 'invalid' }>,
    requestId: string,
  ): void {
    if (check.upstream) {
      gateway.violation(requestId, check.model, check.problems.join('; '));
      sendJson(response, 400, geminiInvalidArgument(check.problems.join('; ')));
      return;
    }
    const message = `${check.gateway ? '' : 'fake: '}${check.problems.join('; ')}`;
    gateway.violation(requestId, check.model, message);
    const error = check.gateway
      ? newApiError(message, 'new_api_error', 'invalid_request', requestId)
      : newApiError(message, 'invalid_request_error', 'fake_shape_violation', requestId);
    sendJson(response, check.gateway ? 500 : 400, error);
  }

  /** Answers an accepted request in its route's shape: a success, or the scripted fault. */
  function answer(
    response: ServerResponse,
    check: Extract<NewApiCheck, { kind: 'ok' }>,
    kind: 'images' | 'chat' | 'native',
    fault: FakeFault | undefined,
    requestId: string,
  ): Promise<void> | void {
    const { model, family } = check;
    const image = () => gateway.imageFor({ model, family, body: check.body, index: 0 });
    const faultContext = { response, model, family, envelope: gateway.envelope, requestId, image };
    const generic = () =>
      answerFault(fault as FakeFault, { ...faultContext, missingFileUrl: gateway.missingFileUrl(requestId) });
    if (kind !== 'images') {
      if (fault && !geminiFaults.has(fault.kind)) return generic();
      const images = faultImages(fault, [gateway.imageFor({ model, family, body: check.body, index: 0 })]);
      const context = { response, model, requestId, images, issueSignature };
      return kind === 'native' ? answerGeminiNative(context, fault) : answerGeminiChat(context, fault);
    }
    if (fault?.kind === 'moderation' || fault?.kind === 'content-filter') {
      const refused = fault.kind === 'moderation' ? (fault.family ?? family) : family;
      return sendJson(response, 400, newApiRefusal(refused, requestId));
    }
    if (fault?.kind === 'text-only')
      return sendJson(response, 200, { created: Math.floor(Date.now() / 1000), data: [] });
    if (fault) return generic();
    return gateway.generation.answerNewApi(response, check);
  }

  function serveFile(response: ServerResponse, path: string, requestId: string): void {
    const bytes = gateway.generation.file(/^\/files\/([\w-]+)\.png$/.exec(path)?.[1] ?? '');
    if (!bytes) {
      sendJson(response, 404, newApiError('file not found', 'invalid_request_error', 'not_found', requestId));
      return;
    }
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.byteLength });
    response.end(bytes);
  }
}

/** new-api reads the key from `Authorization`; on Gemini routes also from `x-goog-api-key` or `?key=`. */
function authorized(request: IncomingMessage, url: URL, apiKey: string, geminiStyle: boolean): boolean {
  if (request.headers.authorization === `Bearer ${apiKey}`) return true;
  if (!geminiStyle) return false;
  return request.headers['x-goog-api-key'] === apiKey || url.searchParams.get('key') === apiKey;
}

function parseJson(raw: Buffer | undefined): unknown {
  if (!raw || raw.byteLength === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
