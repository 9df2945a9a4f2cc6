import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest } from './http-request.js';

/** A loopback proxy in front of a fake that holds the requests a test picks until `release()`, then forwards them. */
export interface HoldingProxy {
  readonly url: string;
  /** Requests held so far (released ones included). */
  readonly held: readonly IncomingMessage[];
  release(): void;
  close(): Promise<void>;
}

export async function startHoldingProxy(
  targetUrl: string,
  shouldHold: (request: IncomingMessage) => boolean,
): Promise<HoldingProxy> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held: IncomingMessage[] = [];
  const target = new URL(targetUrl);
  const server = createServer(async (request, response) => {
    const body = Buffer.concat(await request.toArray());
    if (shouldHold(request)) {
      held.push(request);
      await released;
    }
    try {
      const answer = await httpRequest(`${target.origin}${request.url}`, {
        method: request.method ?? 'GET',
        headers: { ...(request.headers as Record<string, string>), host: target.host },
        body,
      });
      response.writeHead(answer.status, answer.headers as Record<string, string>);
      response.end(answer.bytes);
    } catch {
      response.destroy();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    release: () => release(),
    async close() {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
