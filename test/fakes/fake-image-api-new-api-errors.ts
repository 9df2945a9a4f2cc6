import type { FakeFamily } from './fake-image-api-types.js';

/** new-api's error shape: the message ends with the request id, `param` is always there. */
export function newApiError(message: string, type: string, code: string, requestId: string): unknown {
  return { error: { message: `${message} (request id: ${requestId})`, type, param: '', code } };
}

/** The refusal stock new-api passes through for each family (docs/image-api.md, "The new-api dialect"). */
export function newApiRefusal(family: FakeFamily, requestId: string): unknown {
  switch (family) {
    case 'gpt':
      return newApiError(
        'Your request was rejected as a result of our safety system.',
        'image_generation_user_error',
        'moderation_blocked',
        requestId,
      );
    case 'seedream':
      return newApiError(
        'The request failed because the input text may contain sensitive information.',
        'BadRequest',
        'InputTextSensitiveContentDetected',
        requestId,
      );
    case 'qwen':
      return newApiError(
        'Input data may contain inappropriate content.',
        'upstream_error',
        'bad_response_status_code',
        requestId,
      );
    case 'gemini':
      return newApiError(
        'request blocked by Gemini API: PROHIBITED_CONTENT',
        'new_api_error',
        'prompt_blocked',
        requestId,
      );
  }
}

/** relay/channel/gemini: a non-Imagen model on `/v1/images/generations` fails ConvertImageRequest (HTTP 500). */
export function convertFailed(requestId: string): unknown {
  return newApiError(
    'not supported model for image generation, only imagen models are supported',
    'new_api_error',
    'convert_request_failed',
    requestId,
  );
}

/**
 * controller/relay.go: the prompt word filter (`CheckSensitiveEnabled` and `CheckSensitiveOnPromptEnabled` are on
 * by default) fails before pricing and channel selection with `types.NewError(nil, sensitive_words_detected)`:
 * HTTP 500, and the message is the bare code.
 */
export const sensitiveWords = (requestId: string) =>
  newApiError('sensitive_words_detected', 'new_api_error', 'sensitive_words_detected', requestId);

/** service/billing: pre-consume refusals, HTTP 403 (neither reaches the model, nothing is billed). */
export function outOfCredit(of: 'account' | 'key', requestId: string): unknown {
  return of === 'account'
    ? newApiError('用户额度不足, 剩余额度: ＄0.000000', 'new_api_error', 'insufficient_user_quota', requestId)
    : newApiError(
        'token quota is not enough, token remain quota: ＄0.001000, need quota: ＄0.050000',
        'new_api_error',
        'pre_consume_token_quota_failed',
        requestId,
      );
}

/** Ark's refusal of a generated image, as its body carries it (relayed as is, so without a request id). */
export function outputRefusal(): { error: Record<string, string> } {
  return {
    error: {
      code: 'OutputImageSensitiveContentDetected',
      message: 'The request failed because the output image may contain sensitive information.',
      param: '',
      type: 'BadRequest',
    },
  };
}

export function noChannel(model: string, requestId: string): unknown {
  return newApiError(
    `No available channel for model ${model} under group default`,
    'new_api_error',
    'model_not_found',
    requestId,
  );
}

/**
 * Gemini's 400 for a request it cannot read (a part with no data), as new-api relays an upstream error: the
 * upstream message without a request id, `type` filled in as `upstream_error`, Gemini's numeric code.
 */
export function geminiInvalidArgument(message: string): unknown {
  return { error: { message, type: 'upstream_error', param: '', code: 400 } };
}

export const newApiInvalidToken = (requestId: string) =>
  newApiError('Invalid token', 'new_api_error', 'invalid_api_key', requestId);
