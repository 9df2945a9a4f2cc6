import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { sendJson } from './http-server.js';

/**
 * The protections of every page threadpaint serves to a browser (the playground now, the operator console later):
 * - `Host` must name this server: `127.0.0.1`, `[::1]` or `localhost` on any port, `PUBLIC_URL`'s host, or the IP
 *   address it listens on. Anything else is DNS rebinding: a foreign name that resolves to this machine.
 * - A state-changing request (any method but GET, HEAD, OPTIONS) must be `application/json` (a cross-site form
 *   cannot send that without CORS) and same-origin: `Origin` names this host, or, without `Origin`,
 *   `Sec-Fetch-Site: same-origin`.
 * - With a token, requests that read or change data carry `Authorization: Bearer <token>`, compared in constant time.
 * - Every answer gets a strict `Content-Security-Policy` (own scripts and styles only, no framing), `nosniff`, no
 *   referrer and same-origin resource and opener policies.
 * A refusal is answered here (403, or 401 for the token) before any body is read, so nothing is done.
 */
export interface BrowserGuard {
  /** Sets the security headers, then checks; on a refusal answers it and resolves false. */
  admit(request: IncomingMessage, response: ServerResponse, options: { readonly needsToken: boolean }): boolean;
}

export interface BrowserGuardOptions {
  /** Its host is accepted besides the loopback names (`PUBLIC_URL`). */
  readonly publicUrl?: string;
  /** The address the server listens on (`HOST`); accepted when it is one IP address (an IP cannot be rebound). */
  readonly listenHost?: string;
  /** Required on requests that need it; undefined: none (the configuration allows that on loopback only). */
  readonly token?: string;
  /** Overrides the default policy (a surface that needs more than its own origin). */
  readonly contentSecurityPolicy?: string;
}

export const defaultContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const loopbackNames = new Set(['127.0.0.1', '[::1]', 'localhost']);
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Refusal {
  readonly status: 401 | 403;
  readonly message: string;
}

export function createBrowserGuard(options: BrowserGuardOptions): BrowserGuard {
  const exactHosts = new Set<string>();
  if (options.publicUrl) exactHosts.add(new URL(options.publicUrl).host.toLowerCase());
  const listenName = listenAddressName(options.listenHost);
  const anyPortNames = new Set([...loopbackNames, ...(listenName ? [listenName] : [])]);
  const expectedDigest = options.token === undefined ? undefined : digest(options.token);
  const headers = {
    'content-security-policy': options.contentSecurityPolicy ?? defaultContentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
  };

  function hostAllowed(host: string): boolean {
    if (exactHosts.has(host)) return true;
    const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host);
    return match?.[1] !== undefined && anyPortNames.has(match[1]);
  }

  function refusalOf(request: IncomingMessage, needsToken: boolean): Refusal | undefined {
    const host = (request.headers.host ?? '').toLowerCase();
    if (!hostAllowed(host)) {
      return { status: 403, message: `This server does not answer to the address ${JSON.stringify(host)}.` };
    }
    if (!safeMethods.has(request.method ?? 'GET')) {
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (mediaType !== 'application/json') {
        return { status: 403, message: 'Requests that change something must be sent as application/json.' };
      }
      if (!sameOrigin(request, host)) {
        return { status: 403, message: 'Cross-site request refused: it must come from this page.' };
      }
    }
    if (needsToken && expectedDigest && !tokenMatches(request.headers.authorization, expectedDigest)) {
      return {
        status: 401,
        message: 'This needs the access token (PLAYGROUND_TOKEN), sent as Authorization: Bearer <token>.',
      };
    }
    return undefined;
  }

  function sameOrigin(request: IncomingMessage, host: string): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return request.headers['sec-fetch-site'] === 'same-origin';
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false; // `null` (a sandboxed frame, a file) or garbage
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    // Behind a TLS proxy the page is https://PUBLIC_URL while this server sees http and the proxied Host.
    return parsed.host === host || exactHosts.has(parsed.host);
  }

  return {
    admit(request, response, { needsToken }) {
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      const refusal = refusalOf(request, needsToken);
      if (!refusal) return true;
      // The body (if any) is left unread: close the connection instead of draining it.
      response.setHeader('connection', 'close');
      const challenge = refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="threadpaint"' } : undefined;
      sendJson(response, refusal.status, { error: refusal.message }, challenge);
      return false;
    },
  };
}

/** The Host name of a listening address that is a single IP (not a wildcard), as a browser writes it. */
function listenAddressName(listenHost: string | undefined): string | undefined {
  const name = listenHost
    ?.trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (!name || name === '0.0.0.0' || name === '::') return undefined;
  if (isIPv4(name)) return name;
  return isIPv6(name) ? `[${name}]` : undefined;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function tokenMatches(authorization: string | undefined, expected: Buffer): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), expected);
}

/** Whether an `Authorization` header carries `Bearer <token>`, compared in constant time. */
export function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => tokenMatches(authorization, expected);
}
