import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerCheck } from './browser-guard.js';
import { type RouteHandler, sendJson } from './http-server.js';

export interface MetricsRouteOptions {
  /** The exposition text at scrape time (Prometheus text format) and its content type. */
  readonly render: () => Promise<string>;
  readonly contentType: string;
  /** `Authorization: Bearer` a scrape must carry (`METRICS_TOKEN`); none: open (loopback, or `METRICS_PUBLIC`). */
  readonly token?: string;
}

/** `GET /metrics` on the process's one server, behind the metrics token when there is one. */
export function metricsRoute(options: MetricsRouteOptions): RouteHandler {
  const authorized = options.token ? bearerCheck(options.token) : () => true;
  return async (request: IncomingMessage, response: ServerResponse) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/metrics') return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'GET /metrics' });
      return true;
    }
    if (!authorized(request.headers.authorization)) {
      sendJson(
        response,
        401,
        { error: 'This needs the metrics token (METRICS_TOKEN), sent as Authorization: Bearer <token>.' },
        { 'www-authenticate': 'Bearer realm="threadpaint metrics"' },
      );
      return true;
    }
    const text = await options.render();
    response.writeHead(200, {
      'content-type': options.contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : text);
    return true;
  };
}
