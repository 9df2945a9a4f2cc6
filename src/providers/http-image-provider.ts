import { Agent, type Dispatcher, request as undiciRequest } from 'undici';
import type { GeneratedImage, GenerateOptions, GenerationResult, ImageProvider } from '../core/image-provider.js';
import type { GenerationRequest, InputImage } from '../core/imagine-request.js';
import type { ImageApiDialect } from '../core/models/model-spec.js';
import { sniffImageType } from '../images/image-type.js';
import { toDataUrl } from './data-url.js';
import { type GatewayProbe, probeGateway } from './gateway-probe.js';
import { geminiNativeState } from './gemini-native-state.js';
import { ImageApiError } from './image-api-error.js';
import { classifyError, type ResultItem } from './image-api-response.js';
import { chooseRequestBuilder, planUpstreamCalls, type UpstreamCall } from './request-builder.js';
import { readSmallBody } from './response-body.js';
import { readUpstreamAnswer } from './upstream-answer.js';
import { encodeUpstreamBody } from './upstream-body.js';
import { delay, rethrowAs, toImageApiError } from './upstream-errors.js';
import { contentLengthOf, requestIdOf, retryAfterOf, safeJson } from './upstream-http.js';

export { toImageApiError } from './upstream-errors.js';

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
  /** The dialect of models whose catalogue entry names none (`IMAGE_API_DIALECT`). */
  readonly dialect?: ImageApiDialect;
  readonly dispatcher?: Dispatcher;
}

export const httpImageProviderDefaults = {
  timeoutMs: 300_000,
  connectTimeoutMs: 10_000,
  bodyTimeoutMs: 120_000,
  maxResponseBytes: 256 * 1024 * 1024,
  maxRetries: 2,
  maxRetryWaitMs: 30_000,
  dialect: 'documented',
} as const satisfies Partial<HttpImageProviderConfig>;

export interface HttpImageProvider extends ImageProvider {
  /** `GET /v1/models`: the model ids the key can use. */
  listModels(options?: GenerateOptions): Promise<string[]>;
  /** `GET /v1/models` with what its answer tells about the gateway (`X-New-Api-Version`, request id). */
  probe(options?: GenerateOptions): Promise<GatewayProbe>;
  close(): Promise<void>;
}

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
    return prepared.map(toDataUrl);
  }

  async function callOnce(request: GenerationRequest, call: UpstreamCall, signal: AbortSignal) {
    const dialect = request.model.dialect ?? settings.dialect;
    const upstream = chooseRequestBuilder(request.model.family, dialect)(request, call);
    const { body, contentType } = encodeUpstreamBody(upstream);
    const response = await undiciRequest(`${baseUrl}${upstream.path}`, {
      method: upstream.method,
      dispatcher,
      signal,
      headers: { authorization: `Bearer ${settings.apiKey}`, 'content-type': contentType, accept: 'application/json' },
      body,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.bodyTimeoutMs,
    });
    const requestId = requestIdOf(response.headers);
    try {
      if (response.statusCode >= 400) {
        const text = await readSmallBody(response.body, 64 * 1024);
        throw classifyError(response.statusCode, safeJson(text), requestId, retryAfterOf(response.headers));
      }
      const limits = { maxBytes: settings.maxResponseBytes, announcedBytes: contentLengthOf(response.headers) };
      const items = await readUpstreamAnswer(upstream.route ?? 'images', response.body, limits, requestId);
      return { items, requestId };
    } catch (error) {
      // Whatever went wrong once the gateway answered (a body timeout included) names its request id.
      const failure = toImageApiError(error, signal);
      throw requestId && !failure.details.requestId ? failure.withDetails({ requestId }) : failure;
    }
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
      throw error.withDetails({ requestId });
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

  async function probe(options: GenerateOptions = {}): Promise<GatewayProbe> {
    const timeout = AbortSignal.timeout(settings.connectTimeoutMs * 3);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      return await probeGateway({ baseUrl, apiKey: settings.apiKey, dispatcher }, signal);
    } catch (error) {
      throw toImageApiError(error, signal);
    }
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
          const images = await toImages(items, call.seed, signal, requestId).catch(rethrowAs(signal));
          return { images, requestId, parts: items.map((item) => item.parts) };
        }),
      );
      const done = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (done.length === 0 && failed) throw toImageApiError(failed.reason, signal);
      // Native Gemini answers carry thought signatures: they stay with the turn for the next edit.
      const parts = done.flatMap((result) => result.parts);
      return {
        images: done.flatMap((result) => result.images),
        requestIds: done.flatMap((result) => (result.requestId ? [result.requestId] : [])),
        offline: false,
        ...(failed
          ? { notices: [`Some images could not be made: ${toImageApiError(failed.reason, signal).memberMessage}`] }
          : {}),
        ...(parts.some((part) => part !== undefined)
          ? {
              providerState: geminiNativeState(
                request,
                parts.map((part) => part ?? []),
              ),
            }
          : {}),
      };
    },
    probe,
    async listModels(options: GenerateOptions = {}) {
      return [...(await probe(options)).modelIds];
    },
    async close() {
      await ownDispatcher?.close();
    },
  };
}
