import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A handler mounted on the process's one HTTP server; returns false when the request is not its own. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

export interface AppServer {
  readonly server: Server;
  /** Adds a handler tried in order before the 404 (Slack's receiver, the playground, …). */
  mount(handler: RouteHandler): void;
  listen(): Promise<{ host: string; port: number; url: string }>;
  /** With `holdUntilReady`: lets the requests that arrived meanwhile through, and every later one. */
  ready(): void;
  /**
   * Shutdown has begun: `/readyz` answers 503 from now on (a load balancer stops sending), while every route still
   * answers until `close()`.
   */
  drain(): void;
  close(): Promise<void>;
}

/** What one client may cost the server: time to send a request, and connections at once. */
export interface ServerLimits {
  /** Time to receive a request's headers (Node's default is 60 s). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included (Node's default is 300 s). */
  readonly requestTimeoutMs: number;
  /** Connections at once; more are closed as they arrive. */
  readonly maxConnections: number;
  /** How often the two timeouts are checked. */
  readonly connectionsCheckingIntervalMs: number;
}

export const serverLimitDefaults = {
  headersTimeoutMs: 20_000,
  // A playground upload at its size cap over a slow uplink still fits; a slow-drip client is cut off.
  requestTimeoutMs: 60_000,
  maxConnections: 256,
  connectionsCheckingIntervalMs: 5_000,
} as const satisfies ServerLimits;

/** What `/healthz` answers: `ok`, and the facts behind it (`failing` names what is not). */
export interface HealthReport {
  readonly ok: boolean;
  readonly [fact: string]: unknown;
}

export interface AppServerOptions {
  readonly host: string;
  readonly port: number;
  /**
   * `/healthz`: whether the process can do its work (the store takes a write, the data directory has room, every
   * enabled platform is connected), with the failing part named; 503 when `ok` is false.
   */
  readonly health?: () => HealthReport | Promise<HealthReport>;
  readonly limits?: Partial<ServerLimits>;
  /**
   * Bind first, answer later: until `ready()`, `/healthz` says 503 "starting" and every other request waits (the
   * process recovers its jobs meanwhile, and a request must not reach an engine that has not recovered yet).
   */
  readonly holdUntilReady?: boolean;
}

/** The process's one HTTP server (`/healthz` always); platform adapters mount on it, so there is never a second. */
export function createAppServer(options: AppServerOptions): AppServer {
  const limits: ServerLimits = { ...serverLimitDefaults, ...options.limits };
  const handlers: RouteHandler[] = [];
  const startedAt = Date.now();
  let isReady = options.holdUntilReady !== true;
  let draining = false;
  let markReady = () => {};
  const readyGate = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    },
    async (request, response) => {
      // No answer of this server is ever to be read as another type than it says (images included).
      response.setHeader('x-content-type-options', 'nosniff');
      try {
        const url = new URL(request.url ?? '/', 'http://localhost');
        if (request.method === 'GET' && url.pathname === '/healthz') {
          if (!isReady) {
            sendJson(response, 503, { ok: false, starting: true, failing: ['starting'] });
            return;
          }
          const report = (await options.health?.()) ?? { ok: true };
          sendJson(response, report.ok ? 200 : 503, { ...report, uptimeMs: Date.now() - startedAt });
          return;
        }
        if (request.method === 'GET' && url.pathname === '/readyz') {
          // Ready: recovered after start, and not shutting down. Load balancers route by this, not by /healthz.
          if (isReady && !draining) sendJson(response, 200, { ready: true });
          else sendJson(response, 503, { ready: false, reason: draining ? 'shutting down' : 'starting' });
          return;
        }
        if (!isReady) await readyGate;
        for (const handler of handlers) {
          if (await handler(request, response)) return;
        }
        sendJson(response, 404, { error: 'not found' });
      } catch {
        if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
        else response.destroy();
      }
    },
  );
  server.keepAliveTimeout = 5_000;
  server.maxConnections = limits.maxConnections;
  return {
    server,
    mount: (handler) => handlers.push(handler),
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ host: address.address, port: address.port, url: `http://${host}:${address.port}` });
        });
      }),
    ready() {
      isReady = true;
      markReady();
    },
    drain() {
      draining = true;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
