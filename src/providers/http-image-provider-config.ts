import type { Dispatcher } from 'undici';
import type { GenerateOptions, ImageProvider } from '../core/image-provider.js';
import type { ImageApiDialect } from '../core/models/model-spec.js';
import type { GatewayProbe } from './gateway-probe.js';
import type { InputPreparer } from './request-inputs.js';
import type { OutputVerifier, ResultDownloader } from './result-images.js';
import type { RequestOptions } from './upstream-request.js';

export interface HttpImageProviderConfig {
  /** `https://gateway.example` (with or without a trailing slash). */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Fits inputs and masks to a model, and checks every generated image (the image pipeline). */
  readonly pipeline: InputPreparer & OutputVerifier;
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
  /** Operator settings that shape requests (GPT Image moderation, the platforms' upload cap). */
  readonly requestOptions?: RequestOptions;
  readonly dispatcher?: Dispatcher;
  /** Told of every upstream call (its model, time, outcome and image bytes) and every retry, for counting. */
  readonly observer?: UpstreamObserver;
}

/** One call to the image API as it ended; `code` when it failed (an `ImageApiError` code). */
export interface UpstreamCallObserved {
  readonly model: string;
  readonly seconds: number;
  readonly code?: string;
  /** Decoded image bytes it brought back. */
  readonly bytes?: number;
}

export interface UpstreamObserver {
  call(observed: UpstreamCallObserved): void;
  /** A call is sent again (a rate limit or a 503 that said when), with the code of the failure before it. */
  retry(code: string): void;
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
