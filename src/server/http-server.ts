import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A handler mounted on the process's one HTTP server; returns false when the request is not its own. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

export interface AppServer {
  readonly server: Server;
  /** Adds a handler tried in order before the 404 (Slack's receiver, the playground, …). */
  mount(handler: RouteHandler): void;
  listen(): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
}

export interface AppServerOptions {
  readonly host: string;
  readonly port: number;
  /** Extra facts for `/healthz` (mode, provider, queue depth). */
  readonly health?: () => Record<string, unknown>;
}

/** The process's one HTTP server (`/healthz` always); platform adapters mount on it, so there is never a second. */
export function createAppServer(options: AppServerOptions): AppServer {
  const handlers: RouteHandler[] = [];
  const startedAt = Date.now();
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.method === 'GET' && url.pathname === '/healthz') {
        sendJson(response, 200, { ok: true, uptimeMs: Date.now() - startedAt, ...options.health?.() });
        return;
      }
      for (const handler of handlers) {
        if (await handler(request, response)) return;
      }
      sendJson(response, 404, { error: 'not found' });
    } catch {
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.destroy();
    }
  });
  server.keepAliveTimeout = 5_000;
  return {
    server,
    mount: (handler) => handlers.push(handler),
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          const address = server.address() as AddressInfo;
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ host: address.address, port: address.port, url: `http://${host}:${address.port}` });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
