import { type Dispatcher, request as undiciRequest } from 'undici';
import { z } from 'zod';
import { ImageApiError } from './image-api-error.js';
import { classifyError } from './image-api-response.js';
import { readSmallBody } from './response-body.js';
import { headerOf, requestIdOf, safeJson } from './upstream-http.js';

/** What `GET /v1/models` tells about a gateway and a key. */
export interface GatewayProbe {
  /** The model ids the key can use. */
  readonly modelIds: readonly string[];
  /** `X-New-Api-Version`: every new-api build and fork sends it, so it names a version, not a dialect. */
  readonly newApiVersion?: string;
  /** The gateway's request id of the answer. */
  readonly requestId?: string;
}

export interface GatewayTarget {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly dispatcher: Dispatcher;
}

const modelListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });

/** Calls `GET /v1/models` with the key; a refusal or an unreadable list is an ImageApiError with the request id. */
export async function probeGateway(target: GatewayTarget, signal: AbortSignal): Promise<GatewayProbe> {
  const response = await undiciRequest(`${target.baseUrl}/v1/models`, {
    dispatcher: target.dispatcher,
    signal,
    headers: { authorization: `Bearer ${target.apiKey}`, accept: 'application/json' },
  });
  const requestId = requestIdOf(response.headers);
  const text = await readSmallBody(response.body, 4 * 1024 * 1024);
  if (response.statusCode >= 400) throw classifyError(response.statusCode, safeJson(text), requestId, undefined);
  const parsed = modelListSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    const details = { status: response.statusCode, requestId };
    throw new ImageApiError('invalid_response', 'GET /v1/models answered without data[].id', details);
  }
  const newApiVersion = headerOf(response.headers, 'x-new-api-version');
  return {
    modelIds: parsed.data.data.map((model) => model.id),
    ...(newApiVersion !== undefined ? { newApiVersion } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}
