import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImagineRequest } from '../../src/core/imagine-request.js';
import { createModelCatalogue } from '../../src/core/models/model-catalogue.js';
import { validateRequest } from '../../src/core/validate-request.js';
import { createImageDownloader, type ImageDownloader } from '../../src/download/image-downloader.js';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import {
  createHttpImageProvider,
  type HttpImageProvider,
  type HttpImageProviderConfig,
} from '../../src/providers/http-image-provider.js';
import { ImageApiError } from '../../src/providers/image-api-error.js';
import { type FakeFault, type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import { defaultFakePng } from '../fakes/fake-image-api-png.js';

const catalogue = createModelCatalogue();
const pipeline = createImagePipeline();

function validated(input: ImagineRequest) {
  return validateRequest(input, { catalogue, defaultModel: 'gemini-2.5-flash-image', randomSeed: () => 77 }).request;
}

const geminiRequest = validated({ prompt: 'a lighthouse at dusk', model: 'gemini-2.5-flash-image' });
const generationsPath = '/v1/images/generations';

let fake: FakeImageApi;
let downloader: ImageDownloader;
let provider: HttpImageProvider;
const extraClients: HttpImageProvider[] = [];

/** A second client on the same fake with other settings; closed after the test. */
function clientWith(settings: Partial<HttpImageProviderConfig>): HttpImageProvider {
  const client = createHttpImageProvider({ baseUrl: fake.url, apiKey: 'sk-test', pipeline, downloader, ...settings });
  extraClients.push(client);
  return client;
}

/** Awaits a call that must fail with an ImageApiError, and returns the error. */
async function failureOf(promise: Promise<unknown>): Promise<ImageApiError> {
  const outcome = await promise.then(
    () => new Error('expected the call to fail, but it succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof ImageApiError)) throw outcome;
  return outcome;
}

/** A 200 answer with exactly this body (the fake sends a string body as is). */
const rawAnswer = (body: string): FakeFault => ({ kind: 'status', status: 200, body });

const generationRequests = () => fake.requests.filter((request) => request.path === generationsPath);

beforeAll(async () => {
  fake = await startFakeImageApi();
  downloader = createImageDownloader({ allowPrivate: true });
  provider = createHttpImageProvider({ baseUrl: fake.url, apiKey: 'sk-test', pipeline, downloader });
});

afterAll(async () => {
  await provider.close();
  await downloader.close();
  await fake.close();
});

afterEach(async () => {
  await Promise.all(extraClients.splice(0).map((client) => client.close()));
  const violations = [...fake.violations];
  fake.reset();
  expect(violations).toEqual([]);
});

describe('HTTP image provider: refusals and client errors', () => {
  it.each([
    ['gemini-2.5-flash-image', 'IMAGE_SAFETY'],
    ['doubao-seedream-4-0-250828', 'InputTextSensitiveContentDetected'],
    ['gpt-image-1', 'moderation_blocked'],
    ['qwen-image-plus', 'bad_response_status_code'],
  ])('turns a %s content refusal into content_rejected and never retries it', async (model, upstreamCode) => {
    fake.enqueue({ kind: 'moderation' });

    const failure = await failureOf(provider.generate(validated({ prompt: 'something forbidden', model })));

    expect(failure.code).toBe('content_rejected');
    expect(failure.details).toMatchObject({ status: 400, upstreamCode });
    expect(failure.memberMessage).toMatch(/safety system blocked this prompt/);
    expect(failure.isRetryable).toBe(false);
    expect(generationRequests()).toHaveLength(1);
  });

  it('returns the images of the calls that worked, with a notice, when one of several calls is refused', async () => {
    fake.enqueue({ kind: 'moderation' });

    const result = await provider.generate(validated({ prompt: 'two foxes', model: 'qwen-image-plus', count: 2 }));

    expect(generationRequests()).toHaveLength(2);
    expect(result.images).toHaveLength(1);
    expect(result.requestIds).toHaveLength(1);
    expect(result.notices).toEqual([
      "1 of the 2 images could not be made: The model's safety system blocked this prompt, so no image was made. Try rewording it; this refusal is not retried.",
    ]);
  });

  it('reports a rejected key as auth, with the gateway’s request id', async () => {
    const failure = await failureOf(clientWith({ apiKey: 'sk-wrong' }).generate(geminiRequest));

    expect(failure.code).toBe('auth');
    expect(failure.details.status).toBe(401);
    expect(failure.details.requestId).toBe(fake.requests[0]?.requestId);
    expect(generationRequests()).toHaveLength(1);
  });

  it('turns an HTTP 200 error envelope into bad_request', async () => {
    fake.enqueue({ kind: 'envelope-error' });

    const failure = await failureOf(provider.generate(geminiRequest));

    expect(failure.code).toBe('bad_request');
    expect(failure.memberMessage).toContain('bad param');
    expect(failure.details.requestId).toBe(fake.requests[0]?.requestId);
  });
});

describe('HTTP image provider: retries', () => {
  it('waits out a 429’s Retry-After, then succeeds on the second request', async () => {
    fake.enqueue({ kind: 'status', status: 429 });

    const result = await provider.generate(geminiRequest);

    expect(result.images).toHaveLength(1);
    const [first, second] = generationRequests();
    expect(generationRequests()).toHaveLength(2);
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(990);
    expect(result.requestIds).toEqual([second?.requestId]);
  });

  it('gives up as rate_limited after maxRetries + 1 requests', async () => {
    const rateLimited: FakeFault = { kind: 'status', status: 429, headers: { 'retry-after': '0' } };
    fake.enqueue(rateLimited, rateLimited, rateLimited, rateLimited);

    const failure = await failureOf(clientWith({ maxRetries: 2 }).generate(geminiRequest));

    expect(failure.code).toBe('rate_limited');
    expect(failure.details).toMatchObject({ status: 429, retryAfterMs: 0 });
    expect(generationRequests()).toHaveLength(3);
  });

  it('stops waiting out a Retry-After as soon as the caller cancels', async () => {
    fake.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '20' } });
    const controller = new AbortController();
    const reason = new Error('member cancelled');

    const call = provider.generate(geminiRequest, { signal: controller.signal });
    await fake.waitFor((request) => request.path === generationsPath);
    controller.abort(reason);

    await expect(call).rejects.toBe(reason);
    expect(generationRequests()).toHaveLength(1);
  });

  it('does not wait for a Retry-After longer than maxRetryWaitMs', async () => {
    fake.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '120' } });

    const failure = await failureOf(clientWith({ maxRetryWaitMs: 5_000 }).generate(geminiRequest));

    expect(failure).toMatchObject({ code: 'rate_limited', details: { retryAfterMs: 120_000 } });
    expect(generationRequests()).toHaveLength(1);
  });

  it('retries a 503 that says when to come back', async () => {
    fake.enqueue({ kind: 'status', status: 503, headers: { 'retry-after': '0' } });

    const result = await provider.generate(geminiRequest);

    expect(result.images).toHaveLength(1);
    expect(generationRequests()).toHaveLength(2);
  });

  it.each([
    ['a 500', { kind: 'status', status: 500 }],
    ['a 503 without Retry-After', { kind: 'status', status: 503 }],
  ] satisfies [string, FakeFault][])('never retries %s, which may have been billed', async (_name, fault) => {
    fake.enqueue(fault);

    const failure = await failureOf(provider.generate(geminiRequest));

    expect(failure.code).toBe('upstream');
    expect(failure.isRetryable).toBe(false);
    expect(failure.details.requestId).toBe(fake.requests[0]?.requestId);
    expect(generationRequests()).toHaveLength(1);
  });
});

describe('HTTP image provider: broken answers', () => {
  it.each([
    ['truncated JSON', { kind: 'truncated-json' }],
    ['base64 that is not an image', { kind: 'bad-base64' }],
    ['an oversized body', { kind: 'oversized', bytes: 2_000_000 }],
    ['an oversized body with a Content-Length', { kind: 'oversized', bytes: 2_000_000, announceLength: true }],
  ] satisfies [string, FakeFault][])('rejects %s as invalid_response', async (_name, fault) => {
    fake.enqueue(fault);

    const failure = await failureOf(clientWith({ maxResponseBytes: 1_000_000 }).generate(geminiRequest));

    expect(failure.code).toBe('invalid_response');
    expect(failure.details.requestId).toBe(fake.requests[0]?.requestId);
    expect(generationRequests()).toHaveLength(1);
  });

  it('rejects a b64_json with characters outside base64 as invalid_response', async () => {
    const png = Buffer.from(defaultFakePng()).toString('base64');
    fake.enqueue(rawAnswer(`{"data":[{"b64_json":"${png.slice(0, 40)}!*${png.slice(40)}"}]}`));

    const failure = await failureOf(provider.generate(geminiRequest));

    expect(failure.code).toBe('invalid_response');
    expect(failure.message).toMatch(/malformed base64/);
  });

  it('rejects a result URL that answers 404 as invalid_response', async () => {
    fake.enqueue({ kind: 'url-404' });

    const failure = await failureOf(provider.generate(validated({ prompt: 'a boat', model: 'seedream-4' })));

    expect(failure.code).toBe('invalid_response');
    expect(failure.message).toMatch(/HTTP 404/);
    expect(fake.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
    expect(failure.details.requestId).toBe(fake.requests[0]?.requestId);
  });

  it('refuses a result URL on a private address unless ALLOW_PRIVATE_DOWNLOADS is set', async () => {
    const guarded = createImageDownloader({ allowPrivate: false });
    try {
      const failure = await failureOf(
        clientWith({ downloader: guarded }).generate(validated({ prompt: 'a boat', model: 'seedream-4' })),
      );

      expect(failure.code).toBe('invalid_response');
      expect(failure.message).toContain('ALLOW_PRIVATE_DOWNLOADS');
      expect(fake.requests.map((request) => request.method)).toEqual(['POST']);
      expect(failure.details.requestId).toBe(fake.requests[0]?.requestId);
    } finally {
      await guarded.close();
    }
  });
});

describe('HTTP image provider: time limits and cancellation', () => {
  it('stops a call that never answers as a timeout and closes its connection', async () => {
    const serverSockets = watchServerSockets(Number(new URL(fake.url).port));
    try {
      fake.enqueue({ kind: 'hang' });

      const failure = await failureOf(clientWith({ timeoutMs: 500 }).generate(geminiRequest));

      expect(failure.code).toBe('timeout');
      expect(generationRequests()).toHaveLength(1);
      await closed(serverSockets.at(-1));
    } finally {
      serverSockets.stop();
    }
  });

  it('rejects with the caller’s abort reason and closes the connection', async () => {
    const serverSockets = watchServerSockets(Number(new URL(fake.url).port));
    try {
      fake.enqueue({ kind: 'hang' });
      const controller = new AbortController();
      const reason = new Error('member cancelled');

      const call = provider.generate(geminiRequest, { signal: controller.signal });
      await fake.waitFor((request) => request.path === generationsPath);
      controller.abort(reason);

      await expect(call).rejects.toBe(reason);
      expect(generationRequests()).toHaveLength(1);
      await closed(serverSockets.at(-1));
    } finally {
      serverSockets.stop();
    }
  });
});

/** Resolves once the fake's end of a connection has closed (the test times out otherwise). */
async function closed(socket: Socket | undefined): Promise<void> {
  expect(socket).toBeDefined();
  if (!socket?.closed) await once(socket as Socket, 'close');
}

/** The server-side sockets of requests the fake receives on `port` (through node:http's diagnostics channel). */
function watchServerSockets(port: number): Socket[] & { stop(): void } {
  const sockets: Socket[] = [];
  const listener = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket;
    if (socket.localPort === port) sockets.push(socket);
  };
  subscribe('http.server.request.start', listener);
  return Object.assign(sockets, { stop: () => unsubscribe('http.server.request.start', listener) });
}
