import { createHmac } from 'node:crypto';
import { request } from 'node:http';

export interface SignedResponse {
  readonly status: number;
  readonly body: string;
  /** From the first byte sent to the last byte received. */
  readonly ms: number;
}

export interface PostOptions {
  /** Seconds since the epoch to sign with (now); a stale one must be refused. */
  readonly timestamp?: number;
  /** Sent instead of the real signature. */
  readonly signature?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends requests to the app's `/slack/events` the way Slack does: signed with the signing secret. */
export interface SlackRequestSigner {
  readonly url: string;
  /** A raw body with an exact Content-Type (Bolt refuses `; charset=utf-8` on forms). */
  post(body: string, contentType: string, options?: PostOptions): Promise<SignedResponse>;
  /** A slash command: form-urlencoded fields. */
  command(fields: Readonly<Record<string, string>>, options?: PostOptions): Promise<SignedResponse>;
  /** An Events API delivery (JSON), with `X-Slack-Retry-Num` when `retryNum` is given. */
  event(
    envelope: Readonly<Record<string, unknown>>,
    options?: PostOptions & { retryNum?: number },
  ): Promise<SignedResponse>;
  /** An interactivity payload (block actions, view submissions): form field `payload` holding JSON. */
  interaction(payload: Readonly<Record<string, unknown>>, options?: PostOptions): Promise<SignedResponse>;
}

export const formContentType = 'application/x-www-form-urlencoded';

export function signSlackBody(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function createSlackSigner(options: { url: string; secret: string }): SlackRequestSigner {
  const { url, secret } = options;
  const target = new URL(url);

  function post(body: string, contentType: string, postOptions: PostOptions = {}): Promise<SignedResponse> {
    const timestamp = postOptions.timestamp ?? Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(body)),
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': postOptions.signature ?? signSlackBody(secret, timestamp, body),
      ...postOptions.headers,
    };
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const outgoing = request(target, { method: 'POST', headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  return {
    url,
    post,
    command: (fields, postOptions) => post(new URLSearchParams(fields).toString(), formContentType, postOptions),
    event(envelope, { retryNum, ...postOptions } = {}) {
      const retry: Record<string, string> =
        retryNum === undefined ? {} : { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' };
      return post(JSON.stringify(envelope), 'application/json', {
        ...postOptions,
        headers: { ...retry, ...postOptions.headers },
      });
    },
    interaction: (payload, postOptions) =>
      post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), formContentType, postOptions),
  };
}
