import type { IncomingMessage, ServerResponse } from 'node:http';
import { isObject } from './fake-image-api-fields.js';
import type { createGenerationAnswerer } from './fake-image-api-generation.js';
import type { RecordedFields } from './fake-image-api-new-api.js';
import { base64Of, sendJson, sendResult } from './fake-image-api-responses.js';
import { familyOf } from './fake-image-api-shapes.js';
import type { FakeGenerationRequest } from './fake-image-api-types.js';

export interface OneApiGateway {
  readonly apiKey: string;
  readonly models: readonly string[];
  readonly recordBodies: boolean;
  readonly generation: ReturnType<typeof createGenerationAnswerer>;
  readonly imageFor: (request: FakeGenerationRequest) => Uint8Array;
}

/** one-api's `ImageRequest`: the only fields it reads, and rebuilds an Ali (Qwen) request from. */
const imageRequestFields = new Set(['model', 'prompt', 'n', 'size', 'quality', 'response_format', 'style', 'user']);

/** `{error: {message, type, param, code}}`, the request id appended as one-api's `Relay` and `abortWithMessage` do. */
const oneApiError = (message: string, type: string, code: string, requestId: string) => ({
  error: { message: `${message} (request id: ${requestId})`, type, param: '', code },
});

/**
 * The one-api gateway (songquanpeng/one-api, `router/relay.go` and `relay/controller/image.go`), as far as image
 * models go: no `/v1beta` route and no `X-New-Api-Version`; `/v1/images/edits` answers 501 "API not implemented";
 * on `/v1/images/generations` a Gemini body is forwarded as is to `generateContent` (Gemini refuses it), a Doubao
 * channel has no images URL, GPT bodies pass untouched, and Qwen's request is rebuilt from `prompt`/`size`/`n` only
 * (every input image dropped). Gemini through chat completions answers its text without the image.
 */
export function createOneApiGateway(gateway: OneApiGateway) {
  return async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    raw: { bytes: Buffer | undefined },
    requestId: string,
    record: (fields: RecordedFields) => void,
  ): Promise<void> {
    const route = `${request.method ?? 'GET'} ${new URL(request.url ?? '/', 'http://fake').pathname}`;
    const body = parseJson(raw.bytes);
    const model = isObject(body) && typeof body['model'] === 'string' ? body['model'] : undefined;
    const family = model ? familyOf(model) : undefined;
    const dropped = route === 'POST /v1/images/generations' && isObject(body) ? droppedBy(family, body) : [];
    record({ body: gateway.recordBodies ? body : undefined, dropped });
    if (route.startsWith('GET /files/')) return serveFile(response, route.slice(4), gateway);
    const known = [
      'GET /v1/models',
      'POST /v1/images/generations',
      'POST /v1/images/edits',
      'POST /v1/chat/completions',
    ];
    if (!known.includes(route)) {
      const error = { message: `Invalid URL (${route})`, type: 'invalid_request_error', param: '', code: '' };
      return sendJson(response, 404, { error });
    }
    if (request.headers.authorization !== `Bearer ${gateway.apiKey}`) {
      return sendJson(response, 401, {
        error: { message: `无效的令牌 (request id: ${requestId})`, type: 'one_api_error' },
      });
    }
    if (route === 'GET /v1/models') {
      const data = gateway.models.map((id) => ({
        id,
        object: 'model',
        created: 1626777600,
        owned_by: 'custom',
        root: id,
        parent: null,
      }));
      return sendJson(response, 200, { object: 'list', data });
    }
    // middleware.Distribute: the model needs a channel before any route runs.
    const requested = model ?? (route === 'POST /v1/images/generations' ? 'dall-e-2' : '');
    if (!gateway.models.includes(requested)) {
      const message = `当前分组 default 下对于模型 ${requested} 无可用渠道 (request id: ${requestId})`;
      return sendJson(response, 503, { error: { message, type: 'one_api_error' } });
    }
    if (route === 'POST /v1/images/edits') {
      return sendJson(response, 501, {
        error: { message: 'API not implemented', type: 'one_api_error', param: '', code: 'api_not_implemented' },
      });
    }
    const prompt = isObject(body) ? body['prompt'] : undefined;
    if (route === 'POST /v1/chat/completions') return answerChatWithoutImage(response, requested, requestId);
    if (typeof prompt !== 'string' || prompt === '') {
      return sendJson(response, 400, oneApiError('prompt is required', 'one_api_error', 'prompt_missing', requestId));
    }
    const accepted = { model: requested, family: family ?? 'gpt', body: body as Record<string, unknown>, index: 0 };
    switch (family) {
      case 'gemini':
        // The OpenAI body reaches generateContent untouched; Gemini's 400 is relayed (message, its numeric code).
        return sendJson(response, 400, {
          error: {
            message: `Invalid JSON payload received. Unknown name "prompt": Cannot find field. (request id: ${requestId})`,
            type: '',
            param: '',
            code: 400,
          },
        });
      case 'seedream':
        return sendJson(
          response,
          500,
          oneApiError(
            'get request url failed: unsupported relay mode 5 for doubao',
            'one_api_error',
            'do_request_failed',
            requestId,
          ),
        );
      case 'qwen':
        return sendResult(response, [{ url: gateway.generation.store(gateway.imageFor(accepted)) }], false);
      default: {
        const count = Number((body as Record<string, unknown>)['n'] ?? 1) || 1;
        const images = Array.from({ length: count }, (_, index) => ({
          b64: base64Of(gateway.imageFor({ ...accepted, index })),
        }));
        return sendResult(response, images, false);
      }
    }
  };
}

/** What one-api loses on the way: a rebuilt Ali request keeps only its `ImageRequest` fields. */
function droppedBy(family: string | undefined, body: Record<string, unknown>): string[] {
  if (family !== 'qwen') return [];
  return Object.keys(body).filter((key) => !imageRequestFields.has(key));
}

/** Its Gemini adaptor copies only the text parts of a candidate: the image never reaches the answer. */
function answerChatWithoutImage(response: ServerResponse, model: string, requestId: string): void {
  sendJson(response, 200, {
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Here is the image.' }, finish_reason: 'stop' }],
  });
}

function serveFile(response: ServerResponse, path: string, gateway: OneApiGateway): void {
  const bytes = gateway.generation.file(/^\/files\/([\w-]+)\.png$/.exec(path)?.[1] ?? '');
  if (!bytes) {
    sendJson(response, 404, { error: { message: 'file not found', type: 'not_found' } });
    return;
  }
  response.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.byteLength });
  response.end(bytes);
}

function parseJson(raw: Buffer | undefined): unknown {
  try {
    return raw && raw.byteLength > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}
