import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Socket } from 'node:net';
import { createWaitList, type WaitList } from './wait-list.js';

export interface TappedConnection {
  readonly id: number;
  /** Bytes the client sent through this connection. */
  readonly bytesFromClient: number;
}

/**
 * A loopback TCP pass-through in front of a server (the fake image API): it records when a client closes a
 * connection, which is what an aborted HTTP call looks like from the server's side.
 */
export interface ConnectionTap {
  /** `http://127.0.0.1:<port>`: point the client here instead of at the target. */
  readonly url: string;
  /** Connections the client closed (or reset), in order. */
  readonly closedByClient: WaitList<TappedConnection>;
  close(): Promise<void>;
}

export async function startConnectionTap(targetUrl: string): Promise<ConnectionTap> {
  const target = new URL(targetUrl);
  const closedByClient = createWaitList<TappedConnection>((connection) => `connection ${connection.id}`);
  const sockets = new Set<Socket>();
  let counter = 0;
  const server = createServer((client) => {
    const id = ++counter;
    let bytesFromClient = 0;
    let closing = false;
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      bytesFromClient += chunk.byteLength;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const clientGone = () => {
      if (closing) return;
      closing = true;
      closedByClient.push({ id, bytesFromClient });
      upstream.destroy();
    };
    client.on('end', clientGone);
    client.on('error', clientGone);
    client.on('close', () => {
      sockets.delete(client);
      clientGone();
    });
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      sockets.delete(upstream);
      closing = true;
      client.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    closedByClient,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
