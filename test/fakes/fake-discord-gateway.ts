import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { shapeForIntents } from './fake-discord-intents.js';
import { privilegedIntents } from './fake-discord-permissions.js';
import type { FakeIdentify } from './fake-discord-records.js';

interface Session {
  readonly id: string;
  readonly intents: number;
  seq: number;
}

interface Connection {
  readonly socket: WebSocket;
  session?: Session;
  ready: boolean;
}

export interface GatewayInit {
  readonly server: Server;
  readonly botToken: string;
  readonly botUserId: string;
  readonly allowedIntents: number | undefined;
  readonly gatewayUrl: () => string;
  /** READY's `d` minus the session fields, and the GUILD_CREATE payloads, from the current state. */
  readonly readyData: () => Record<string, unknown>;
  readonly guildCreates: () => readonly Record<string, unknown>[];
  readonly onError: (message: string) => void;
  readonly onReady: () => void;
}

/** The gateway on the HTTP server's port: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME, dispatch. */
export function createGateway(init: GatewayInit) {
  const wss = new WebSocketServer({ server: init.server });
  const connections = new Set<Connection>();
  const sessions = new Map<string, Session>();
  const identifies: FakeIdentify[] = [];
  let readyCount = 0;

  const send = (connection: Connection, payload: Record<string, unknown>) =>
    connection.socket.send(JSON.stringify({ s: null, t: null, d: null, ...payload }));

  function dispatchTo(connection: Connection, t: string, d: unknown): void {
    const session = connection.session;
    if (!session) return;
    session.seq += 1;
    send(connection, { op: 0, t, s: session.seq, d });
  }

  function fail(connection: Connection, code: number, reason: string): void {
    init.onError(`closed ${code}: ${reason}`);
    connection.ready = false;
    connection.socket.close(code, reason.slice(0, 120));
  }

  /** Why Discord would close the socket on this IDENTIFY, if it would. */
  function refusal(connection: Connection, d: Record<string, unknown>, intents: number): [number, string] | undefined {
    if (connection.session) return [4005, 'Already authenticated.'];
    if (d['token'] !== init.botToken) return [4004, 'Authentication failed.'];
    if (!Number.isInteger(intents) || intents < 0) return [4013, 'Invalid intent(s).'];
    const disallowed = init.allowedIntents === undefined ? 0 : intents & privilegedIntents & ~init.allowedIntents;
    return disallowed === 0 ? undefined : [4014, `Disallowed intent(s): ${disallowed}.`];
  }

  function identify(connection: Connection, d: Record<string, unknown>): void {
    const intents = Number(d['intents']);
    identifies.push({
      token: String(d['token']),
      intents,
      properties: d['properties'],
      shard: d['shard'],
      compress: d['compress'],
    });
    const refused = refusal(connection, d, intents);
    if (refused) {
      fail(connection, ...refused);
      return;
    }
    const session: Session = { id: randomBytes(16).toString('hex'), intents, seq: 0 };
    sessions.set(session.id, session);
    connection.session = session;
    const ready = {
      v: 10,
      ...init.readyData(),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: init.gatewayUrl(),
      shard: d['shard'] ?? [0, 1],
      _trace: ['fake-discord'],
    };
    dispatchTo(connection, 'READY', ready);
    for (const guild of init.guildCreates()) dispatchTo(connection, 'GUILD_CREATE', guild);
    connection.ready = true;
    readyCount += 1;
    init.onReady();
  }

  function resume(connection: Connection, d: Record<string, unknown>): void {
    const session = sessions.get(String(d['session_id']));
    if (!session || d['token'] !== init.botToken) {
      send(connection, { op: 9, d: false });
      return;
    }
    connection.session = session;
    dispatchTo(connection, 'RESUMED', {});
    connection.ready = true;
    init.onReady();
  }

  function onMessage(connection: Connection, raw: string): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(raw) as { op?: unknown; d?: unknown };
    } catch {
      fail(connection, 4002, 'Error while decoding payload.');
      return;
    }
    const d = (payload.d ?? {}) as Record<string, unknown>;
    if (payload.op === 1) send(connection, { op: 11 });
    else if (payload.op === 2) identify(connection, d);
    else if (payload.op === 6) resume(connection, d);
    else if (!connection.session) fail(connection, 4003, 'Not authenticated.');
  }

  wss.on('connection', (socket, request) => {
    const connection: Connection = { socket, ready: false };
    connections.add(connection);
    socket.on('close', (code) => {
      connections.delete(connection);
      // A client that closes normally ends its session; anything else may come back with RESUME.
      if ((code === 1000 || code === 1001) && connection.session) sessions.delete(connection.session.id);
    });
    socket.on('message', (data) => onMessage(connection, String(data)));
    const query = new URL(request.url ?? '/', 'ws://127.0.0.1').searchParams;
    if (query.has('compress')) {
      fail(connection, 4012, `compress=${query.get('compress')} is not supported: keep zlib-sync uninstalled`);
      return;
    }
    if ((query.get('v') ?? '10') !== '10' || (query.get('encoding') ?? 'json') !== 'json') {
      fail(connection, 4012, `unsupported gateway query ${query.toString()}: the fake speaks v=10 JSON`);
      return;
    }
    send(connection, { op: 10, d: { heartbeat_interval: 45_000, _trace: ['fake-discord'] } });
  });

  const readyConnections = () => [...connections].filter((connection) => connection.ready);

  return {
    identifies,
    get readyCount() {
      return readyCount;
    },
    hasReadyClient: () => readyConnections().length > 0,
    /** Sends to every ready client, shaped for its intents; returns how many got it. */
    broadcast(t: string, d: unknown): number {
      const targets = readyConnections();
      for (const connection of targets) {
        const shaped = shapeForIntents(t, d, connection.session?.intents ?? 0, init.botUserId);
        if (shaped !== undefined) dispatchTo(connection, t, shaped);
      }
      return targets.length;
    },
    closeAll(code: number, reason: string): void {
      for (const connection of connections) {
        connection.ready = false;
        connection.socket.close(code, reason);
      }
    },
    async close(): Promise<void> {
      for (const connection of connections) connection.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type FakeGateway = ReturnType<typeof createGateway>;
