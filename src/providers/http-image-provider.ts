import { Agent, request as undiciRequest } from 'undici';
import type { GenerateOptions, GenerationResult } from '../core/image-provider.js';
import type { GenerationRequest } from '../core/imagine-request.js';
import { outputLimitsOf } from '../core/models/output-limits.js';
import { classifyError } from './classify-error.js';
import { type GatewayProbe, probeGateway } from './gateway-probe.js';
import { collectOutcomes } from './generation-outcomes.js';
import {
  type HttpImageProvider,
  type HttpImageProviderConfig,
  httpImageProviderDefaults,
} from './http-image-provider-config.js';
import { chooseRequestBuilder, planUpstreamCalls } from './request-builder.js';
import { prepareRequestInputs } from './request-inputs.js';
import { readSmallBody } from './response-body.js';
import { toImages } from './result-images.js';
import { readUpstreamAnswer } from './upstream-answer.js';
import { encodeUpstreamBody } from './upstream-body.js';
import { delay, toImageApiError } from './upstream-errors.js';
import { contentLengthOf, requestIdOf, retryAfterOf, safeJson } from './upstream-http.js';
import type { UpstreamCall } from './upstream-request.js';

export {
  type HttpImageProvider,
  type HttpImageProviderConfig,
  httpImageProviderDefaults,
  type UpstreamObserver,
} from './http-image-provider-config.js';
export type { InputPreparer } from './request-inputs.js';
export type { OutputVerifier, ResultDownloader } from './result-images.js';
export { toImageApiError } from './upstream-errors.js';

export function createHttpImageProvider(config: HttpImageProviderConfig): HttpImageProvider {
  const settings = { ...httpImageProviderDefaults, ...config };
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const ownDispatcher = config.dispatcher
    ? undefined
    : new Agent({ keepAliveTimeout: 30_000, connections: 64, connect: { timeout: settings.connectTimeoutMs } });
  const dispatcher = config.dispatcher ?? (ownDispatcher as Agent);
  const dialectOf = (request: GenerationRequest) => request.model.dialect ?? settings.dialect;

  async function callOnce(request: GenerationRequest, call: UpstreamCall, signal: AbortSignal) {
    const build = chooseRequestBuilder(request.model.family, dialectOf(request));
    const upstream = build(request, call, settings.requestOptions);
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
      const limits = {
        maxBytes: settings.maxResponseBytes,
        announcedBytes: contentLengthOf(response.headers),
        maxImageBytes: request.model.maxOutputBytes,
      };
      const items = await readUpstreamAnswer(upstream.route ?? 'images', response.body, limits, requestId);
      return { items, requestId };
    } catch (error) {
      // Whatever went wrong once the gateway answered (a body timeout included) names its request id.
      const failure = toImageApiError(error, signal);
      throw requestId && !failure.details.requestId ? failure.withDetails({ requestId }) : failure;
    }
  }

  async function callWithRetries(request: GenerationRequest, call: UpstreamCall, signal: AbortSignal) {
    const { observer } = settings;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const answer = await callOnce(request, call, signal);
        observer?.call({ model: request.model.id, seconds: seconds() });
        return answer;
      } catch (error) {
        const failure = toImageApiError(error, signal);
        observer?.call({ model: request.model.id, seconds: seconds(), code: failure.code });
        const wait = failure.details.retryAfterMs ?? 1000 * 2 ** attempt;
        if (!failure.isRetryable || attempt >= settings.maxRetries || wait > settings.maxRetryWaitMs) throw failure;
        observer?.retry(failure.code);
        await delay(wait, signal);
      }
    }
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
      const { imageUrls, maskUrl } = await prepareRequestInputs(settings.pipeline, request);
      const calls = planUpstreamCalls(request, imageUrls, {
        dialect: dialectOf(request),
        ...(maskUrl !== undefined ? { maskUrl } : {}),
      });
      const limits = outputLimitsOf(request.model);
      const outcomes = await Promise.allSettled(
        calls.map(async (call) => {
          const { items, requestId } = await callWithRetries(request, call, signal);
          const checked = await toImages(items, {
            downloader: settings.downloader,
            verifier: settings.pipeline,
            limits,
            signal,
            ...(call.seed !== undefined ? { seed: call.seed } : {}),
            ...(requestId !== undefined ? { requestId } : {}),
          });
          return { ...checked, requestId };
        }),
      );
      return collectOutcomes(request, outcomes, signal);
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
