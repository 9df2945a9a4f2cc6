import { describe, expect, it } from 'vitest';
import type { ImageApiError } from '../../src/providers/image-api-error.js';
import { classifyError, parseImageResult, parseRetryAfter } from '../../src/providers/image-api-response.js';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as ImageApiError;
  }
  throw new Error('expected an error');
};

describe('parseImageResult', () => {
  it('reads the bare shape, placeholders and URLs', () => {
    const items = parseImageResult(
      { created: 1, data: [{ b64_json: '\u0000b64:0', revised_prompt: 'r' }, { url: 'https://cdn/x.png' }] },
      [png],
    );
    expect(items).toEqual([
      { kind: 'bytes', bytes: png, revisedPrompt: 'r' },
      { kind: 'url', url: 'https://cdn/x.png' },
    ]);
  });

  it('reads both envelope shapes', () => {
    expect(parseImageResult({ code: 200, msg: 'ok', data: { data: [{ url: 'https://a/b.png' }] } }, [])).toHaveLength(
      1,
    );
    expect(parseImageResult({ code: 0, data: [{ url: 'https://a/b.png' }] }, [])).toHaveLength(1);
  });

  it('turns an error envelope sent with HTTP 200 into a typed error', () => {
    const error = thrown(() => parseImageResult({ code: 400, msg: 'bad param: size', data: null }, []));
    expect(error.code).toBe('bad_request');
    expect(error.memberMessage).toBe('The image service could not accept this request: bad param: size');
  });

  it('refuses answers without images', () => {
    expect(thrown(() => parseImageResult({ data: [] }, [])).code).toBe('invalid_response');
    expect(thrown(() => parseImageResult({ nothing: true }, [])).code).toBe('invalid_response');
  });
});

describe('classifyError', () => {
  it.each([
    [
      400,
      {
        error: {
          message: 'rejected by our safety system',
          type: 'image_generation_user_error',
          code: 'moderation_blocked',
        },
      },
    ],
    [400, { error: { message: 'blocked', code: 'IMAGE_SAFETY' } }],
    [400, { error: { message: 'The request failed', code: 'InputTextSensitiveContentDetected' } }],
    [400, { error: { message: 'Input data may contain inappropriate content.', code: 'bad_response_status_code' } }],
  ])('reports a %i refusal as content_rejected, never retryable', (status, body) => {
    const error = classifyError(status, body, 'req-1', undefined);
    expect(error.code).toBe('content_rejected');
    expect(error.isRetryable).toBe(false);
    expect(error.memberMessage).toContain('safety system blocked this prompt');
  });

  it('maps statuses to codes, and only 429 or 503 with Retry-After are retryable', () => {
    expect(classifyError(401, {}, undefined, undefined).code).toBe('auth');
    expect(classifyError(403, {}, undefined, undefined).code).toBe('auth');
    expect(classifyError(429, {}, undefined, 1000)).toMatchObject({ code: 'rate_limited', isRetryable: true });
    expect(classifyError(503, {}, undefined, 2000)).toMatchObject({ code: 'upstream', isRetryable: true });
    expect(classifyError(503, {}, undefined, undefined).isRetryable).toBe(false);
    expect(classifyError(500, {}, undefined, 1000).isRetryable).toBe(false);
  });

  it('keeps the request id from the header or from new-api message text', () => {
    expect(
      classifyError(500, { error: { message: 'boom (request id: 2025abc)' } }, undefined, undefined).details.requestId,
    ).toBe('2025abc');
    expect(classifyError(500, {}, 'hdr-1', undefined).details.requestId).toBe('hdr-1');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('reads an error inside a 200 answer by what it says: a bad request, or an upstream failure', () => {
    const invalid = thrown(() =>
      parseImageResult(
        { error: { message: 'Invalid size 9x9', type: 'invalid_request_error', code: 'invalid_value' } },
        [],
        'r1',
      ),
    );
    expect(invalid.code).toBe('bad_request');
    expect(invalid.memberMessage).toBe('The image service could not accept this request: Invalid size 9x9');
    expect(invalid.details).toMatchObject({ status: 200, requestId: 'r1', upstreamCode: 'invalid_value' });
    const busy = thrown(() => parseImageResult({ error: { code: 'InternalServiceError', message: 'busy' } }, []));
    expect(busy.code).toBe('upstream');
    expect(busy.message).toBe('image API 200 carrying an error InternalServiceError: busy');
  });
});
