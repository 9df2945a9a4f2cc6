import type { FakeImageApi } from './fake-image-api-types.js';

/** One answer of the fake, read whole: for tests of the fake itself. */
export interface FakeAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body; undefined when it is not JSON. */
  readonly json: unknown;
}

export type ResultData = { b64_json?: string; url?: string; size?: string }[];

/** Calls the fake with its default key and a JSON content type (both overridable through `init.headers`). */
export async function callFake(fake: FakeImageApi, path: string, init: RequestInit = {}): Promise<FakeAnswer> {
  const response = await fetch(`${fake.url}${path}`, {
    ...init,
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function generateWithFake(fake: FakeImageApi, body: unknown, init: RequestInit = {}): Promise<FakeAnswer> {
  return callFake(fake, '/v1/images/generations', { ...init, method: 'POST', body: JSON.stringify(body) });
}

export const resultData = (answer: FakeAnswer): ResultData => (answer.json as { data: ResultData }).data;

export const decodeB64 = (entry: { b64_json?: string } | undefined): Buffer =>
  Buffer.from(entry?.b64_json ?? '', 'base64');
