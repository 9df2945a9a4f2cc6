import { parseRetryAfter } from './image-api-response.js';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export function headerOf(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The gateway's id of this request (`X-Oneapi-Request-Id` on new-api / one-api): operators quote it upstream. */
export function requestIdOf(headers: ResponseHeaders): string | undefined {
  return headerOf(headers, 'x-oneapi-request-id') ?? headerOf(headers, 'x-request-id');
}

/** `Content-Length` as a byte count; undefined when absent or not a plain number (chunked answers). */
export function contentLengthOf(headers: ResponseHeaders): number | undefined {
  const value = headerOf(headers, 'content-length');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function retryAfterOf(headers: ResponseHeaders): number | undefined {
  return parseRetryAfter(headerOf(headers, 'retry-after'));
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
