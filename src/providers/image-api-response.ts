import { z } from 'zod';
import { classifyError, errorInAnswer } from './classify-error.js';
import type { NativeStatePart } from './gemini-native-state.js';
import { ImageApiError } from './image-api-error.js';

export { classifyError } from './classify-error.js';

interface ResultExtras {
  readonly revisedPrompt?: string;
  /** Native Gemini: the answer's parts around this image (thought signatures), kept on the turn. */
  readonly parts?: readonly NativeStatePart[];
}

/**
 * One result item: decoded bytes (b64_json, data URL, inlineData), a URL to download at once, or an image that
 * failed inside an otherwise successful answer (Seedream's `data[].error`).
 */
export type ResultItem = ImageItem | { readonly kind: 'failed'; readonly error: ImageApiError };

/** An image of an answer: decoded bytes or a URL. */
export type ImageItem =
  | ({ readonly kind: 'bytes'; readonly bytes: Buffer } & ResultExtras)
  | ({ readonly kind: 'url'; readonly url: string } & ResultExtras);

const itemSchema = z.object({
  b64_json: z.string().nullish(),
  url: z.string().nullish(),
  revised_prompt: z.string().nullish(),
  error: z.unknown().nullish(),
});
const bareSchema = z.object({ data: z.array(itemSchema) });
const answerErrorSchema = z.object({ error: z.object({}).passthrough() });
const envelopeSchema = z.object({
  code: z.union([z.number(), z.string()]).nullish(),
  msg: z.string().nullish(),
  message: z.string().nullish(),
  data: z.unknown(),
});

const placeholderPattern = /^\u0000b64:(\d+)$/;

/**
 * Reads a success body in either shape the docs show: bare `{data:[…]}` or the `{code,msg,data:{data:[…]}}`
 * envelope (also `{code,data:[…]}`). A 200 envelope with a non-success code is an error, and so is an `error`
 * object in a 200 answer (new-api relays GPT Image and Seedream bodies with the upstream's status): the refusal or
 * failure it carries, never "no images".
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
  const carried = answerErrorSchema.safeParse(body);
  if (carried.success) throw errorInAnswer(carried.data.error, requestId);
  const parsed = bareSchema.safeParse(body);
  if (!parsed.success) {
    throw new ImageApiError('invalid_response', 'image API answered without a data array', { requestId });
  }
  const items: ResultItem[] = [];
  for (const item of parsed.data.data) {
    if (item.error !== undefined && item.error !== null) {
      items.push({ kind: 'failed', error: errorInAnswer(item.error, requestId) });
      continue;
    }
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
  const failed = items.find((item) => item.kind === 'failed');
  if (failed && items.every((item) => item.kind === 'failed')) throw failed.error;
  if (items.length === 0) {
    throw new ImageApiError('invalid_response', 'image API answered no images', { requestId });
  }
  return items;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
