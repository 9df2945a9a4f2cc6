import type { IncomingHttpHeaders } from 'node:http';

/** The fake decides a request's family from the model id prefix: `gemini-`, `doubao-`, `gpt-image`, `qwen-`. */
export type FakeFamily = 'gemini' | 'seedream' | 'gpt' | 'qwen';

/**
 * Which gateway the fake plays: `documented` (docs/image-api.md: everything on `/v1/images/generations`), `new-api`
 * (stock new-api: kept fields only, Gemini through chat completions or native `generateContent`, GPT edits on
 * `/v1/images/edits`, Qwen `parameters` + `input`, its error and refusal shapes) or `one-api` (new-api's ancestor,
 * from songquanpeng/one-api's relay: no `/v1beta`, edits not implemented, bodies forwarded or rebuilt as its
 * adaptors do).
 */
export type FakeDialect = 'documented' | 'new-api' | 'one-api';

/** What the `b64Image` hook is told about the image it should make. */
export interface FakeGenerationRequest {
  readonly model: string;
  readonly family: FakeFamily;
  /** The parsed request body. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Index of the image within this response (GPT `n`, Seedream sequential images). */
  readonly index: number;
}

export interface FakeImageApiOptions {
  /** The gateway dialect to play (`documented`). */
  readonly dialect?: FakeDialect;
  /**
   * `X-New-Api-Version` sent on every answer: stock new-api sends it (`v0.9.0-fake` in the new-api dialect);
   * null sends none (the documented dialect's default).
   */
  readonly newApiVersion?: string | null;
  /** The key `Authorization: Bearer` must carry (`sk-test`). */
  readonly apiKey?: string;
  /** Simulated upstream latency before each generation answer, in ms (0). */
  readonly latencyMs?: number;
  /** The image every generation returns (a 64×64 PNG). */
  readonly imageBytes?: Uint8Array;
  /** Makes the image per request instead; return the same buffer for the same image so its base64 stays cached. */
  readonly b64Image?: (request: FakeGenerationRequest) => Uint8Array;
  /** Wrap successes as `{"code":200,"msg":"success","data":{"data":[...],"created":...}}` (false). */
  readonly envelope?: boolean;
  /** Keep parsed bodies in `requests` (true); benchmarks turn it off so big data URLs are not retained. */
  readonly recordBodies?: boolean;
  /** Most requests kept in `requests`, oldest dropped first (10 000). */
  readonly maxRecordedRequests?: number;
  /** Ids listed by `GET /v1/models` (the built-in catalogue). */
  readonly models?: readonly string[];
  /**
   * The gateway's prompt word filter (new-api's is on by default with the one word `test_sensitive`): a prompt
   * containing one of these is answered HTTP 500 `sensitive_words_detected` before any model sees it.
   */
  readonly sensitiveWords?: readonly string[];
  /**
   * new-api dialect: the operator turned on body pass-through for the channel, so Seedream's `seed`,
   * `guidance_scale` and `sequential_image_generation*` reach Ark instead of being dropped.
   */
  readonly passThrough?: boolean;
}

/** A scripted upstream behaviour; queued faults are consumed one per well-formed generation request. */
export type FakeFault =
  /** 400 with the family's content-policy refusal (the request's family unless given). */
  | { readonly kind: 'moderation'; readonly family?: FakeFamily }
  /** Any status; the body defaults to a new-api error for it, 429 defaults to `Retry-After: 1`. */
  | {
      readonly kind: 'status';
      readonly status: number;
      /** An object is sent as JSON, a string as is. */
      readonly body?: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Never answers; the socket stays open until the client gives up or the fake closes. */
  | { readonly kind: 'hang' }
  /** 200 whose JSON stops half-way. */
  | { readonly kind: 'truncated-json' }
  /** 200 with a `b64_json` that decodes to text, not an image. */
  | { readonly kind: 'bad-base64' }
  /** 200 with a result `url` that answers 404. */
  | { readonly kind: 'url-404' }
  /** 200 with a valid JSON body of more than `bytes` bytes, streamed in chunks (chunked unless `announceLength`). */
  | { readonly kind: 'oversized'; readonly bytes: number; readonly announceLength?: boolean }
  /** HTTP 200 carrying `{"code":400,"msg":"bad param","data":null}`. */
  | { readonly kind: 'envelope-error' }
  /** 200 with `count` (1) copies of exactly these bytes as `b64_json`; the base64 is built once per buffer. */
  | { readonly kind: 'b64-of-size'; readonly bytes: Uint8Array; readonly count?: number }
  /**
   * new-api Gemini: 200 with no image, `finish_reason: "content_filter"` (chat) or `finishReason: "IMAGE_SAFETY"`
   * (native). On the images endpoints it is the family's moderation refusal.
   */
  | { readonly kind: 'content-filter' }
  /** new-api Gemini: 200 whose answer is only words, no image. */
  | { readonly kind: 'text-only'; readonly text?: string }
  /**
   * new-api billing: 403 `insufficient_user_quota` (the account behind the key has no credit left) or
   * `pre_consume_token_quota_failed` (the key reached its own quota).
   */
  | { readonly kind: 'out-of-credit'; readonly of: 'account' | 'key' }
  /**
   * GPT Image / Seedream through new-api: the upstream body relayed with HTTP 200 although it carries an `error`
   * (Ark's `OutputImageSensitiveContentDetected`); `partial` puts the error in `data[]` beside one good image.
   */
  | { readonly kind: 'error-in-200'; readonly partial?: boolean }
  /** 200 whose one `b64_json` image is a PNG signature followed by `bytes` of zeros, streamed, never allocated. */
  | { readonly kind: 'junk-image'; readonly bytes: number };

export interface RecordedRequest {
  /** The `X-Oneapi-Request-Id` the fake answered with. */
  readonly requestId: string;
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined without a JSON body or with `recordBodies: false`. */
  readonly body: unknown;
  readonly rawBytes: number;
  /** new-api dialect: the fields the gateway silently dropped (`seed`, `parameters.negative_prompt`, …). */
  readonly dropped?: readonly string[];
  /** A multipart request's parts in order (then `body` holds its text fields); undefined for JSON. */
  readonly parts?: readonly FakeFormPart[];
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number;
}

/** One part of a multipart request: a text field (`value`) or a file (`filename`, `type`, `bytes`). */
export interface FakeFormPart {
  readonly name: string;
  readonly value?: string;
  readonly filename?: string;
  readonly type?: string;
  readonly bytes?: Buffer;
}

/** A request body that breaks docs/image-api.md: the client under test has a bug. */
export interface FakeViolation {
  readonly requestId: string;
  readonly model: string | undefined;
  readonly message: string;
}

export interface FakeImageApi {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly dialect: FakeDialect;
  readonly requests: readonly RecordedRequest[];
  /** Empty when every generation request followed the wire format. */
  readonly violations: readonly FakeViolation[];
  /** Queues faults (FIFO); each is consumed by the next generation request that passes the shape checks. */
  enqueue(...faults: FakeFault[]): void;
  /** A behaviour for every generation request while the queue is empty; undefined restores normal answers. */
  setDefaultResult(fault: FakeFault | undefined): void;
  setLatency(ms: number): void;
  /** Resolves with the first recorded request (past or future) that matches; rejects after `timeoutMs` (5000). */
  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forgets recorded requests, violations, queued faults and the default result. */
  reset(): void;
  /** Stops the server and destroys every socket, hanging ones included. */
  close(): Promise<void>;
}
