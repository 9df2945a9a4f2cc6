import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

/** An envelope's acknowledgement, as the app sent it back over the socket. */
export interface SocketAck {
  readonly envelope_id: string;
  readonly payload?: Readonly<Record<string, unknown>>;
}

/**
 * Slack's Socket Mode on the fake's own port (`/socket`): `apps.connections.open` hands out its URL, a connection
 * gets `{"type":"hello"}`, and envelopes `{envelope_id, type, payload, accepts_response_payload}` go out; the app
 * acknowledges each with `{envelope_id, payload?}` (`@slack/socket-mode` `SocketModeClient.ts`).
 */
export function attachSocketMode(server: Server, baseUrl: () => string) {
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const pending = new Map<string, (ack: SocketAck) => void>();
  const waitingForConnection = new Set<(socket: WebSocket) => void>();

  server.on('upgrade', (request, socket, head) => {
    if (!request.url?.startsWith('/socket')) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        const ack = JSON.parse(String(data)) as SocketAck;
        pending.get(ack.envelope_id)?.(ack);
        pending.delete(ack.envelope_id);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          connection_info: { app_id: 'A1' },
          debug_info: { host: 'fake' },
        }),
      );
      for (const resolve of [...waitingForConnection]) resolve(ws);
      waitingForConnection.clear();
    });
  });

  function connection(): Promise<WebSocket> {
    const open = [...sockets].find((socket) => socket.readyState === socket.OPEN);
    return open ? Promise.resolve(open) : new Promise((resolve) => waitingForConnection.add(resolve));
  }

  return {
    url: () => `${baseUrl().replace(/^http/, 'ws')}/socket?ticket=${randomUUID()}`,
    /** Sends one envelope and resolves with the app's acknowledgement (rejects after `timeoutMs`). */
    async send(
      type: 'slash_commands' | 'events_api' | 'interactive',
      payload: Readonly<Record<string, unknown>>,
      timeoutMs = 5000,
    ): Promise<SocketAck> {
      const socket = await connection();
      const envelopeId = randomUUID();
      const acked = new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake Slack: no ack for ${type} envelope within ${timeoutMs} ms`)),
          timeoutMs,
        );
        pending.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
      });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: 0,
          retry_reason: '',
        }),
      );
      return acked;
    },
    get connections() {
      return [...sockets].filter((socket) => socket.readyState === socket.OPEN).length;
    },
    close(): void {
      for (const socket of sockets) socket.terminate();
      wss.close();
    },
  };
}
