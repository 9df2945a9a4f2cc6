import { Agent, type Dispatcher, errors, request as undiciRequest } from 'undici';
import { z } from 'zod';
import type { GeneratedImage, GenerateOptions, GenerationResult, ImageProvider } from '../core/image-provider.js';
import type { GenerationRequest, InputImage } from '../core/imagine-request.js';
import { sniffImageType } from '../images/image-type.js';
import { ImageApiError } from './image-api-error.js';
import { classifyError, parseImageResult, parseRetryAfter, type ResultItem } from './image-api-response.js';
import { chooseRequestBuilder, planUpstreamCalls, type UpstreamCall } from './request-builder.js';
import { readJsonWithImages, readSmallBody } from './response-body.js';

/** What the client needs from the image pipeline: fitting an input to a family's formats and byte limit. */
export interface InputPreparer {
  prepareInput(
    image: { bytes: Uint8Array; name?: string },
    target: { formats: readonly string[]; maxBytes: number },
  ): Promise<InputImage>;
}

/** What the client needs to fetch URL results (size-capped, private addresses refused). */
export interface ResultDownloader {
  download(url: string, init?: { signal?: AbortSignal }): Promise<{ bytes: Uint8Array; mimeType: string }>;
}

export interface HttpImageProviderConfig {
  /** `https://gateway.example` (with or without a trailing slash). */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly pipeline: InputPreparer;
  readonly downloader: ResultDownloader;
  /** Total time for one upstream call, headers and body included. */
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Longest pause between two chunks of a response body. */
  readonly bodyTimeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly maxRetries?: number;
  /** A `Retry-After` longer than this is not waited for: the call fails as rate limited. */
  readonly maxRetryWaitMs?: number;
  readonly dispatcher?: Dispatcher;
}

export const httpImageProviderDefaults = {
  timeoutMs: 300_000,
  connectTimeoutMs: 10_000,
  bodyTimeoutMs: 120_000,
  maxResponseBytes: 256 * 1024 * 1024,
  maxRetries: 2,
  maxRetryWaitMs: 30_000,
} as const satisfies Partial<HttpImageProviderConfig>;

export interface HttpImageProvider extends ImageProvider {
  /** `GET /v1/models`: the model ids the key can use. */
  listModels(options?: GenerateOptions): Promise<string[]>;
  close(): Promise<void>;
}

const modelListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });

export function createHttpImageProvider(config: HttpImageProviderConfig): HttpImageProvider {
  const settings = { ...httpImageProviderDefaults, ...config };
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const ownDispatcher = config.dispatcher
    ? undefined
    : new Agent({ keepAliveTimeout: 30_000, connections: 64, connect: { timeout: settings.connectTimeoutMs } });
  const dispatcher = config.dispatcher ?? (ownDispatcher as Agent);

  async function prepareInputs(request: GenerationRequest): Promise<string[]> {
    const { model } = request;
    const fitAll = (maxBytes: number) =>
      Promise.all(
        request.inputImages.map((image) =>
          settings.pipeline.prepareInput(image, { formats: model.inputFormats, maxBytes }),
        ),
      );
    let prepared = await fitAll(model.maxInputBytes);
    const total = prepared.reduce((sum, image) => sum + image.bytes.length, 0);
    if (total > model.maxRequestInputBytes) {
      prepared = await fitAll(Math.floor(model.maxRequestInputBytes / prepared.length));
    }
    return prepared.map((image) => `data:${image.mimeType};base64,${Buffer.from(image.bytes).toString('base64')}`);
  }

  async function callOnce(request: GenerationRequest, call: UpstreamCall, signal: AbortSignal) {
    const upstream = chooseRequestBuilder(request.model.family, request.model.dialect as 'documented')(request, call);
    const response = await undiciRequest(`${baseUrl}${upstream.path}`, {
      method: upstream.method,
      dispatcher,
      signal,
      headers: {
        authorization: `Bearer ${settings.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(upstream.body),
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.bodyTimeoutMs,
    });
    const requestId = headerOf(response.headers, 'x-oneapi-request-id') ?? headerOf(response.headers, 'x-request-id');
    if (response.statusCode >= 400) {
      const text = await readSmallBody(response.body, 64 * 1024);
      throw classifyError(response.statusCode, safeJson(text), requestId, retryAfterOf(response.headers));
    }
    const { json, images, invalidBase64 } = await readJsonWithImages(
      response.body,
      settings.maxResponseBytes,
      requestId,
      contentLengthOf(response.headers),
    );
    if (invalidBase64)
      throw new ImageApiError('invalid_response', 'image API answered malformed base64', { requestId });
    return { items: parseImageResult(json, images, requestId), requestId };
  }

  async function callWithRetries(request: GenerationRequest, call: UpstreamCall, signal: AbortSignal) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await callOnce(request, call, signal);
      } catch (error) {
        const failure = toImageApiError(error, signal);
        const wait = failure.details.retryAfterMs ?? 1000 * 2 ** attempt;
        if (!failure.isRetryable || attempt >= settings.maxRetries || wait > settings.maxRetryWaitMs) throw failure;
        await delay(wait, signal);
      }
    }
  }

  /** A failed download of a result URL still names the generation's request id: operators quote it upstream. */
  async function download(url: string, signal: AbortSignal, requestId: string | undefined) {
    try {
      return await settings.downloader.download(url, { signal });
    } catch (error) {
      if (!requestId || !(error instanceof ImageApiError) || error.details.requestId) throw error;
      throw new ImageApiError(error.code, error.message, { ...error.details, requestId }, error.memberMessage);
    }
  }

  async function toImages(items: ResultItem[], seed: number | undefined, signal: AbortSignal, requestId?: string) {
    const images: GeneratedImage[] = [];
    for (const [index, item] of items.entries()) {
      const fetched = item.kind === 'bytes' ? { bytes: item.bytes } : await download(item.url, signal, requestId);
      const type = sniffImageType(fetched.bytes);
      if (!type) throw new ImageApiError('invalid_response', 'image API result is not an image', { requestId });
      images.push({
        bytes: fetched.bytes,
        mimeType: type.mimeType,
        ...(seed !== undefined ? { seed: seed + index } : {}),
        ...(item.revisedPrompt ? { revisedPrompt: item.revisedPrompt } : {}),
      });
    }
    return images;
  }

  return {
    name: 'image-api',
    offline: false,
    async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const imageUrls = await prepareInputs(request);
      const calls = planUpstreamCalls(request, imageUrls);
      const outcomes = await Promise.allSettled(
        calls.map(async (call) => {
          const { items, requestId } = await callWithRetries(request, call, signal);
          return { images: await toImages(items, call.seed, signal, requestId).catch(rethrowAs(signal)), requestId };
        }),
      );
      const done = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (done.length === 0 && failed) throw toImageApiError(failed.reason, signal);
      return {
        images: done.flatMap((result) => result.images),
        requestIds: done.flatMap((result) => (result.requestId ? [result.requestId] : [])),
        offline: false,
        ...(failed
          ? { notices: [`Some images could not be made: ${toImageApiError(failed.reason, signal).memberMessage}`] }
          : {}),
      };
    },
    async listModels(options: GenerateOptions = {}) {
      const timeout = AbortSignal.timeout(settings.connectTimeoutMs * 3);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      try {
        const response = await undiciRequest(`${baseUrl}/v1/models`, {
          dispatcher,
          signal,
          headers: { authorization: `Bearer ${settings.apiKey}`, accept: 'application/json' },
        });
        const text = await readSmallBody(response.body, 4 * 1024 * 1024);
        const requestId = headerOf(response.headers, 'x-oneapi-request-id');
        if (response.statusCode >= 400) throw classifyError(response.statusCode, safeJson(text), requestId, undefined);
        const parsed = modelListSchema.safeParse(safeJson(text));
        if (!parsed.success) throw new ImageApiError('invalid_response', 'GET /v1/models answered without data[].id');
        return parsed.data.data.map((model) => model.id);
      } catch (error) {
        throw toImageApiError(error, signal);
      }
    },
    async close() {
      await ownDispatcher?.close();
    },
  };
}

function rethrowAs(signal: AbortSignal) {
  return (error: unknown): never => {
    throw toImageApiError(error, signal);
  };
}

/** Normalizes anything a call can throw; a cancellation by the caller stays an AbortError. */
export function toImageApiError(error: unknown, signal: AbortSignal): ImageApiError {
  if (error instanceof ImageApiError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof DOMException && reason.name === 'TimeoutError') {
      return new ImageApiError('timeout', 'image API call exceeded its total timeout', { cause: error });
    }
    throw reason instanceof Error ? reason : error;
  }
  if (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  ) {
    return new ImageApiError('timeout', `image API call timed out (${(error as Error).name})`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ImageApiError('upstream', `image API unreachable: ${message}`, { cause: error });
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `Content-Length` as a byte count; undefined when absent or not a plain number (chunked answers). */
function contentLengthOf(headers: Record<string, string | string[] | undefined>): number | undefined {
  const value = headerOf(headers, 'content-length');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function retryAfterOf(headers: Record<string, string | string[] | undefined>): number | undefined {
  return parseRetryAfter(headerOf(headers, 'retry-after'));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}
