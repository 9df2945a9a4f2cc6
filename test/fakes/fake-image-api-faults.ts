import type { ServerResponse } from 'node:http';
import { outOfCredit, outputRefusal } from './fake-image-api-new-api-errors.js';
import { base64Of, errorBody, sendJson, sendJunkImage, sendOversized, sendResult } from './fake-image-api-responses.js';
import type { FakeFamily, FakeFault } from './fake-image-api-types.js';

/** The refusal each family's upstream sends for a prompt its safety system blocks (docs/image-api.md). */
export const moderationBodies: Record<FakeFamily, unknown> = {
  gpt: errorBody(
    'Your request was rejected as a result of our safety system.',
    'image_generation_user_error',
    'moderation_blocked',
  ),
  gemini: errorBody(
    'The image was blocked by the safety filters (finish reason IMAGE_SAFETY).',
    'upstream_error',
    'IMAGE_SAFETY',
  ),
  seedream: errorBody(
    'The request failed because the input text may contain sensitive information.',
    'BadRequest',
    'InputTextSensitiveContentDetected',
  ),
  qwen: errorBody('Input data may contain inappropriate content.', 'upstream_error', 'bad_response_status_code'),
};

export const invalidTokenBody = errorBody('Invalid token', 'new_api_error', 'invalid_api_key');

function defaultStatusBody(status: number, model: string): unknown {
  switch (status) {
    case 401:
      return invalidTokenBody;
    case 403:
      return errorBody(`no access to model ${model}`, 'new_api_error', 'model_not_allowed');
    case 429:
      return errorBody('Rate limit reached, please try again later', 'new_api_error', 'rate_limit_exceeded');
    case 500:
      return errorBody('upstream request failed', 'upstream_error', 'internal_error');
    case 503:
      return errorBody(`no available channel for model ${model}`, 'new_api_error', 'no_available_channel');
    default:
      return errorBody(`fake: injected HTTP ${status}`, 'new_api_error', `status_${status}`);
  }
}

const notAnImage = Buffer.from('this is plain text, not an image');

export interface FaultContext {
  readonly response: ServerResponse;
  readonly model: string;
  readonly family: FakeFamily;
  readonly envelope: boolean;
  /** A URL on the fake that answers 404. */
  readonly missingFileUrl: string;
  /** The gateway's id of this request: new-api adds it to the messages of its own errors. */
  readonly requestId: string;
  /** Makes the image a successful answer would carry (for answers that mix one with an error). */
  readonly image: () => Uint8Array;
}

/** Answers a generation request with a scripted fault. `hang` never answers: the fake's close ends it. */
export async function answerFault(fault: FakeFault, context: FaultContext): Promise<void> {
  const { response } = context;
  switch (fault.kind) {
    case 'moderation':
      return sendJson(response, 400, moderationBodies[fault.family ?? context.family]);
    case 'status': {
      const retryAfter: Record<string, string> = fault.status === 429 ? { 'retry-after': '1' } : {};
      const body = fault.body ?? defaultStatusBody(fault.status, context.model);
      return sendJson(response, fault.status, body, { ...retryAfter, ...fault.headers });
    }
    case 'hang':
      return;
    case 'truncated-json':
      return sendJson(response, 200, '{"created":1709459123,"data":[{"b64_json":"iVBORw0KGgoAAAAN', {
        'content-type': 'application/json',
      });
    case 'bad-base64':
      return sendResult(response, [{ b64: base64Of(notAnImage) }], context.envelope);
    case 'url-404':
      return sendResult(response, [{ url: context.missingFileUrl }], context.envelope);
    case 'oversized':
      return sendOversized(response, fault.bytes, fault.announceLength ?? false);
    case 'envelope-error':
      return sendJson(response, 200, { code: 400, msg: 'bad param', data: null });
    case 'out-of-credit':
      return sendJson(response, 403, outOfCredit(fault.of, context.requestId));
    case 'error-in-200': {
      if (!fault.partial) return sendJson(response, 200, outputRefusal());
      const good = { b64_json: base64Of(context.image()).toString('latin1') };
      return sendJson(response, 200, { created: Math.floor(Date.now() / 1000), data: [good, outputRefusal()] });
    }
    case 'junk-image':
      return sendJunkImage(response, fault.bytes);
    case 'b64-of-size': {
      const b64 = base64Of(fault.bytes);
      return sendResult(
        response,
        Array.from({ length: fault.count ?? 1 }, () => ({ b64 })),
        context.envelope,
      );
    }
  }
}
