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

export function convertFailed(model: string, requestId: string): unknown {
  return newApiError(
    `convert request failed: model ${model} is not supported on /v1/images/generations`,
    'new_api_error',
    'convert_request_failed',
    requestId,
  );
}

export function noChannel(model: string, requestId: string): unknown {
  return newApiError(
    `No available channel for model ${model} under group default`,
    'new_api_error',
    'model_not_found',
    requestId,
  );
}

export const newApiInvalidToken = (requestId: string) =>
  newApiError('Invalid token', 'new_api_error', 'invalid_api_key', requestId);
