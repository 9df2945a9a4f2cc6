import { request as undiciRequest } from 'undici';
import type { ImageApiDialect } from '../core/models/model-spec.js';
import { classifyError } from './classify-error.js';
import type { GatewayTarget } from './gateway-probe.js';
import { readSmallBody } from './response-body.js';
import { requestIdOf, safeJson } from './upstream-http.js';

/** What a gateway turned out to be, and the answer that showed it. */
export type DialectVerdict =
  | { readonly kind: ImageApiDialect; readonly evidence: string; readonly billed: boolean }
  | { readonly kind: 'one-api' | 'unknown'; readonly evidence: string; readonly billed: false };

/** What `probeDialect` needs to know from `GET /v1/models`. */
export interface ProbeContext {
  readonly newApiVersion?: string;
  /** A Gemini image model the key can use, cheapest first; none means no probe can be sent. */
  readonly geminiModel?: string;
}

/**
 * Tells the dialect from how the gateway treats a Gemini image request on `/v1/images/generations`, not from
 * `X-New-Api-Version` (every new-api build and fork sends it, the documented gateway very likely too):
 * - stock new-api refuses it before any upstream call: HTTP 500 `convert_request_failed` ("only imagen models…");
 * - the documented gateway makes the image (the one billed request of `doctor`);
 * - one-api sends no `X-New-Api-Version`, has no `/v1beta` route and names its own errors `one_api_error`: it is
 *   told from two free requests (`GET /v1beta/models`, and `GET /v1/models` with a key that cannot be valid), and no
 *   Gemini request is sent to it.
 */
export async function probeDialect(
  target: GatewayTarget,
  context: ProbeContext,
  signal: AbortSignal,
): Promise<DialectVerdict> {
  const headers = { authorization: `Bearer ${target.apiKey}`, accept: 'application/json' };
  if (context.newApiVersion === undefined && (await looksLikeOneApi(target, signal))) {
    return {
      kind: 'one-api',
      evidence:
        'no X-New-Api-Version, GET /v1beta/models answered 404 and a wrong key is refused as one_api_error: this is one-api',
      billed: false,
    };
  }
  if (!context.geminiModel) {
    return {
      kind: 'unknown',
      evidence: 'no Gemini image model is usable with this key, so none could be probed',
      billed: false,
    };
  }
  const response = await undiciRequest(`${target.baseUrl}/v1/images/generations`, {
    method: 'POST',
    dispatcher: target.dispatcher,
    signal,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: context.geminiModel,
      prompt: 'a plain white square',
      size: '1:1',
      n: 1,
      response_format: 'b64_json',
    }),
  });
  const text = await readSmallBody(response.body, 64 * 1024);
  const requestId = requestIdOf(response.headers);
  const sent = `POST /v1/images/generations with ${context.geminiModel}`;
  const reference = requestId ? `, request id ${requestId}` : '';
  if (response.statusCode >= 200 && response.statusCode < 300) {
    const evidence = `${sent} was accepted (HTTP ${response.statusCode}${reference}; billed as one image)`;
    return { kind: 'documented', evidence, billed: true };
  }
  const failure = classifyError(response.statusCode, safeJson(text), requestId, undefined);
  const answer = `HTTP ${response.statusCode}${failure.details.upstreamCode ? ` ${failure.details.upstreamCode}` : ''}${reference}`;
  if (failure.details.upstreamCode === 'convert_request_failed') {
    return { kind: 'new-api', evidence: `${sent} was refused as stock new-api refuses it (${answer})`, billed: false };
  }
  return { kind: 'unknown', evidence: `${sent} answered ${answer}: ${failure.memberMessage}`, billed: false };
}

async function looksLikeOneApi(target: GatewayTarget, signal: AbortSignal): Promise<boolean> {
  const get = (path: string, key: string) =>
    undiciRequest(`${target.baseUrl}${path}`, {
      dispatcher: target.dispatcher,
      signal,
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
    });
  const route = await get('/v1beta/models', target.apiKey);
  await readSmallBody(route.body, 1024);
  if (route.statusCode !== 404) return false;
  const refused = await get('/v1/models', 'threadpaint-doctor-not-a-key');
  const answer = safeJson(await readSmallBody(refused.body, 4096)) as { error?: { type?: unknown } } | undefined;
  return refused.statusCode === 401 && answer?.error?.type === 'one_api_error';
}
