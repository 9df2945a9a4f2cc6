import { z } from 'zod';
import { ImageApiError } from './image-api-error.js';

const errorSchema = z.object({
  error: z.object({ message: z.string().nullish(), type: z.string().nullish(), code: z.unknown().nullish() }).nullish(),
  code: z.unknown().nullish(),
  msg: z.string().nullish(),
  message: z.string().nullish(),
});

/** Content-policy refusals of every family, whatever status they come with (image-api.md). */
const refusalPattern =
  /moderation_blocked|content_policy|IMAGE_SAFETY|PROHIBITED_CONTENT|prompt_blocked|SensitiveContentDetected|inappropriate content|safety system|content_filter|\bSAFETY\b/i;

/**
 * new-api's billing refusals (HTTP 403): the account behind the key has no credit left, or the key reached its own
 * quota. Each names the fix for the operator log; neither was billed.
 */
const creditFixes: Record<string, { readonly fix: string; readonly member?: string }> = {
  insufficient_user_quota: {
    fix: 'the gateway account behind IMAGE_API_KEY is out of credit: top it up on the gateway (IMAGE_API_URL)',
  },
  pre_consume_token_quota_failed: {
    fix: "IMAGE_API_KEY reached its own quota on the gateway: raise the key's limit (or make it unlimited) in the gateway's token settings",
    member:
      "The bot's key for the image service has used up its spending limit, so nothing was generated or billed. An operator needs to raise it; press Retry after that.",
  },
};

/** Turns a failed response into a typed error: refusals are never retried, and only 429/503 carry a wait. */
export function classifyError(
  status: number,
  body: unknown,
  requestId: string | undefined,
  retryAfterMs: number | undefined,
): ImageApiError {
  const parsed = errorSchema.safeParse(body);
  const fields = parsed.success ? parsed.data : {};
  const upstreamCode = stringOf(fields.error?.code) ?? stringOf(fields.code);
  const upstreamMessage = (fields.error?.message ?? fields.msg ?? fields.message ?? '').slice(0, 500);
  const details = {
    status,
    requestId: requestId ?? /request id: ([\w-]+)/i.exec(upstreamMessage)?.[1],
    ...(upstreamCode !== undefined ? { upstreamCode } : {}),
    ...(upstreamMessage ? { upstreamMessage } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  const summary = `image API ${status}${upstreamCode ? ` ${upstreamCode}` : ''}: ${upstreamMessage || '(no message)'}`;
  if (upstreamCode === 'sensitive_words_detected') {
    // The gateway's own prompt filter (on by default in new-api) answers HTTP 500 before any model sees the prompt.
    return new ImageApiError(
      'content_rejected',
      `${summary} (the gateway's word filter refused the prompt)`,
      details,
      "The image service's word filter refused this prompt, so no image was made. Try rewording it; this refusal is not retried.",
    );
  }
  if (refusalPattern.test(`${upstreamCode ?? ''} ${upstreamMessage}`)) {
    return new ImageApiError('content_rejected', summary, details);
  }
  const credit = upstreamCode ? creditFixes[upstreamCode] : undefined;
  if (credit) return new ImageApiError('out_of_credit', `${summary} — ${credit.fix}`, details, credit.member);
  if (upstreamCode === 'convert_request_failed') {
    // Stock new-api refuses this model on the route the dialect chose (Gemini on /v1/images/generations).
    return new ImageApiError(
      'bad_request',
      summary,
      details,
      'The image service cannot run this model the way the bot sends it. An operator needs to check IMAGE_API_DIALECT (`threadpaint doctor` tells).',
    );
  }
  if (status === 401) return new ImageApiError('auth', summary, details);
  if (status === 403) {
    return new ImageApiError(
      'auth',
      summary,
      details,
      'The image service says our API key may not use this model. An operator needs to check its access.',
    );
  }
  if (status === 429) return new ImageApiError('rate_limited', summary, details);
  if (status === 413) {
    return new ImageApiError('bad_request', summary, details, 'The images are too large for the image service.');
  }
  // new-api answers its own validation failures with HTTP 500 `new_api_error` / `invalid_request`.
  if (status >= 500 && upstreamCode !== 'invalid_request') return new ImageApiError('upstream', summary, details);
  const shown = upstreamMessage.replace(/\s*\(request id: [^)]*\)/i, '').slice(0, 200);
  return new ImageApiError(
    'bad_request',
    summary,
    details,
    shown ? `The image service could not accept this request: ${shown}` : undefined,
  );
}

/**
 * An `error` object inside an HTTP 200 answer (new-api relays GPT Image and Seedream bodies as they come, status
 * 200 included): that error, classified by what it says. Without a status of its own, a client-side type or code
 * reads as a bad request and anything else as an upstream failure.
 */
export function errorInAnswer(error: unknown, requestId: string | undefined): ImageApiError {
  const fields = errorSchema.shape.error.safeParse(error);
  const code = fields.success ? fields.data?.code : undefined;
  const kind = `${fields.success ? (fields.data?.type ?? '') : ''} ${stringOf(code) ?? ''}`;
  const numeric = typeof code === 'number' && code >= 400 && code < 600 ? code : undefined;
  const status = numeric ?? (/invalid|bad_?request|parameter/i.test(kind) ? 400 : 502);
  const classified = classifyError(status, { error }, requestId, undefined);
  return new ImageApiError(
    classified.code,
    classified.message.replace(`image API ${status}`, 'image API 200 carrying an error'),
    { ...classified.details, status: 200 },
    classified.memberMessage,
  );
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
