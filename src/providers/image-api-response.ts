import { z } from 'zod';
import type { NativeStatePart } from './gemini-native-state.js';
import { ImageApiError } from './image-api-error.js';

interface ResultExtras {
  readonly revisedPrompt?: string;
  /** Native Gemini: the answer's parts around this image (thought signatures), kept on the turn. */
  readonly parts?: readonly NativeStatePart[];
}

/** One result item: decoded bytes (b64_json, data URL, inlineData) or a URL to download at once. */
export type ResultItem =
  | ({ readonly kind: 'bytes'; readonly bytes: Buffer } & ResultExtras)
  | ({ readonly kind: 'url'; readonly url: string } & ResultExtras);

const itemSchema = z.object({
  b64_json: z.string().nullish(),
  url: z.string().nullish(),
  revised_prompt: z.string().nullish(),
});
const bareSchema = z.object({ data: z.array(itemSchema) });
const envelopeSchema = z.object({
  code: z.union([z.number(), z.string()]).nullish(),
  msg: z.string().nullish(),
  message: z.string().nullish(),
  data: z.unknown(),
});

const placeholderPattern = /^\u0000b64:(\d+)$/;

/**
 * Reads a success body in either shape the docs show: bare `{data:[…]}` or the `{code,msg,data:{data:[…]}}`
 * envelope (also `{code,data:[…]}`). A 200 envelope with a non-success code is an error.
 */
export function parseImageResult(json: unknown, images: readonly Buffer[], requestId?: string): ResultItem[] {
  let body = json;
  const envelope = envelopeSchema.safeParse(json);
  if (envelope.success && envelope.data.code !== undefined && envelope.data.code !== null) {
    const code = Number(envelope.data.code);
    if (code !== 0 && code !== 200) {
      throw classifyError(code >= 400 && code < 600 ? code : 400, json, requestId, undefined);
    }
    body = Array.isArray(envelope.data.data) ? { data: envelope.data.data } : envelope.data.data;
  }
  const parsed = bareSchema.safeParse(body);
  if (!parsed.success) {
    throw new ImageApiError('invalid_response', 'image API answered without a data array', { requestId });
  }
  const items: ResultItem[] = [];
  for (const item of parsed.data.data) {
    const revised = item.revised_prompt ? { revisedPrompt: item.revised_prompt } : {};
    const placeholder = item.b64_json ? placeholderPattern.exec(item.b64_json) : null;
    const bytes = placeholder ? images[Number(placeholder[1])] : Buffer.from(item.b64_json ?? '', 'base64');
    // Stock new-api's Qwen answers `{"url": "...", "b64_json": ""}` whatever was asked: the URL counts then.
    if (bytes && bytes.length > 0) items.push({ kind: 'bytes', bytes, ...revised });
    else if (item.url) items.push({ kind: 'url', url: item.url, ...revised });
    else if (item.b64_json !== undefined && item.b64_json !== null) {
      throw new ImageApiError('invalid_response', 'image API answered an empty b64_json', { requestId });
    }
  }
  if (items.length === 0) {
    throw new ImageApiError('invalid_response', 'image API answered no images', { requestId });
  }
  return items;
}

const errorSchema = z.object({
  error: z.object({ message: z.string().nullish(), type: z.string().nullish(), code: z.unknown().nullish() }).nullish(),
  code: z.unknown().nullish(),
  msg: z.string().nullish(),
  message: z.string().nullish(),
});

const refusalPattern =
  /moderation_blocked|content_policy|IMAGE_SAFETY|PROHIBITED_CONTENT|prompt_blocked|SensitiveContentDetected|inappropriate content|safety system|content_filter|\bSAFETY\b/i;

/** Turns a failed response into a typed error: refusals are never retried, and only 429/503 carry a wait. */
export function classifyError(
  status: number,
  body: unknown,
  requestId: string | undefined,
  retryAfterMs: number | undefined,
): ImageApiError {
  const parsed = errorSchema.safeParse(body);
  const fields = parsed.success ? parsed.data : {};
  const upstreamCode = stringOf(fields.error?.code) ?? stringOf(fields.code);
  const upstreamMessage = (fields.error?.message ?? fields.msg ?? fields.message ?? '').slice(0, 500);
  const details = {
    status,
    requestId: requestId ?? /request id: ([\w-]+)/i.exec(upstreamMessage)?.[1],
    ...(upstreamCode !== undefined ? { upstreamCode } : {}),
    ...(upstreamMessage ? { upstreamMessage } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  const summary = `image API ${status}${upstreamCode ? ` ${upstreamCode}` : ''}: ${upstreamMessage || '(no message)'}`;
  if (refusalPattern.test(`${upstreamCode ?? ''} ${upstreamMessage}`) && status < 500) {
    return new ImageApiError('content_rejected', summary, details);
  }
  if (upstreamCode === 'convert_request_failed') {
    // Stock new-api refuses this model on the route the dialect chose (Gemini on /v1/images/generations).
    return new ImageApiError(
      'bad_request',
      summary,
      details,
      'The image service cannot run this model the way the bot sends it. An operator needs to check IMAGE_API_DIALECT (`threadpaint doctor` tells).',
    );
  }
  if (status === 401) return new ImageApiError('auth', summary, details);
  if (status === 403) {
    return new ImageApiError(
      'auth',
      summary,
      details,
      'The image service says our API key may not use this model. An operator needs to check its access.',
    );
  }
  if (status === 429) return new ImageApiError('rate_limited', summary, details);
  if (status === 413) {
    return new ImageApiError('bad_request', summary, details, 'The images are too large for the image service.');
  }
  // new-api answers its own validation failures with HTTP 500 `new_api_error` / `invalid_request`.
  if (status >= 500 && upstreamCode !== 'invalid_request') return new ImageApiError('upstream', summary, details);
  const shown = upstreamMessage.replace(/\s*\(request id: [^)]*\)/i, '').slice(0, 200);
  return new ImageApiError(
    'bad_request',
    summary,
    details,
    shown ? `The image service could not accept this request: ${shown}` : undefined,
  );
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
