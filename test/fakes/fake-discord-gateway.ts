import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { shapeForIntents } from './fake-discord-intents.js';
import { privilegedIntents } from './fake-discord-permissions.js';
import type { FakeIdentify } from './fake-discord-records.js';

/** `[shard_id, num_shards]`, as IDENTIFY sends it. */
export type FakeShard = readonly [number, number];

interface Session {
  readonly id: string;
  readonly intents: number;
  readonly shard: FakeShard;
  seq: number;
}

/** One dispatch as the gateway sent it: which event, for which guild (none: shard 0's), on which shard. */
export interface FakeGatewayDispatch {
  readonly t: string;
  readonly guildId: string | undefined;
  readonly shard: FakeShard;
}

/** The shard Discord sends a guild's events on: `(guild_id >> 22) % num_shards`. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** The guild a dispatch belongs to: GUILD_* carry it as `id`, everything else as `guild_id`. */
function guildOfDispatch(t: string, d: unknown): string | undefined {
  const data = (d ?? {}) as { id?: unknown; guild_id?: unknown };
  const id = t.startsWith('GUILD_') ? (data.guild_id ?? data.id) : data.guild_id;
  return typeof id === 'string' ? id : undefined;
}

/** Whether a session on this shard gets the guild's events (events of no guild, DMs, go to shard 0). */
function onShard(shard: FakeShard, guildId: string | undefined): boolean {
  return guildId === undefined ? shard[0] === 0 : shardOfGuild(guildId, shard[1]) === shard[0];
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
  /** Fewer shards than this in IDENTIFY is closed with 4011 (Sharding required). */
  readonly requiredShards: number;
  readonly gatewayUrl: () => string;
  /** READY's `d` minus the session fields, and the GUILD_CREATE payloads, for the guilds a filter keeps. */
  readonly readyData: (keep: (guildId: string) => boolean) => Record<string, unknown>;
  readonly guildCreates: (keep: (guildId: string) => boolean) => readonly Record<string, unknown>[];
  readonly onError: (message: string) => void;
  readonly onReady: () => void;
}

/** The gateway on the HTTP server's port: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME, dispatch. */
export function createGateway(init: GatewayInit) {
  const wss = new WebSocketServer({ server: init.server });
  const connections = new Set<Connection>();
  const sessions = new Map<string, Session>();
  const identifies: FakeIdentify[] = [];
  const dispatches: FakeGatewayDispatch[] = [];
  /** Shards whose network is down: their IDENTIFY / RESUME wait here, unanswered, until the shard is restored. */
  const held = new Map<number, (() => void)[]>();
  let readyCount = 0;

  const send = (connection: Connection, payload: Record<string, unknown>) =>
    connection.socket.send(JSON.stringify({ s: null, t: null, d: null, ...payload }));

  function dispatchTo(connection: Connection, t: string, d: unknown): void {
    const session = connection.session;
    if (!session) return;
    session.seq += 1;
    dispatches.push({ t, guildId: guildOfDispatch(t, d), shard: session.shard });
    send(connection, { op: 0, t, s: session.seq, d });
  }

  /** Runs `answer` now, or when the shard is restored if it is held. */
  function unlessHeld(shard: number, answer: () => void): void {
    const waiting = held.get(shard);
    if (waiting) waiting.push(answer);
    else answer();
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
    if (d['shard'] !== undefined && !shardOf(d['shard'])) return [4010, 'Invalid shard.'];
    if ((shardOf(d['shard'])?.[1] ?? 1) < init.requiredShards) return [4011, 'Sharding required.'];
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
    const shard = shardOf(d['shard']) ?? [0, 1];
    unlessHeld(shard[0], () => {
      const session: Session = { id: randomBytes(16).toString('hex'), intents, shard, seq: 0 };
      sessions.set(session.id, session);
      connection.session = session;
      const keep = (guildId: string) => onShard(shard, guildId);
      const ready = {
        v: 10,
        ...init.readyData(keep),
        session_id: session.id,
        session_type: 'normal',
        resume_gateway_url: init.gatewayUrl(),
        shard,
        _trace: ['fake-discord'],
      };
      dispatchTo(connection, 'READY', ready);
      for (const guild of init.guildCreates(keep)) dispatchTo(connection, 'GUILD_CREATE', guild);
      connection.ready = true;
      readyCount += 1;
      init.onReady();
    });
  }

  function resume(connection: Connection, d: Record<string, unknown>): void {
    const session = sessions.get(String(d['session_id']));
    if (!session || d['token'] !== init.botToken) {
      send(connection, { op: 9, d: false });
      return;
    }
    unlessHeld(session.shard[0], () => {
      connection.session = session;
      dispatchTo(connection, 'RESUMED', {});
      connection.ready = true;
      init.onReady();
    });
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
  /** Ready clients that get this guild's events (any ready client when no guild is named). */
  const listening = (guildId?: string) =>
    readyConnections().filter(
      (connection) => guildId === undefined || (connection.session && onShard(connection.session.shard, guildId)),
    );

  return {
    identifies,
    dispatches,
    get readyCount() {
      return readyCount;
    },
    hasReadyClient: (guildId?: string) => listening(guildId).length > 0,
    /** Sends to every ready client on the shard of the dispatch's guild, shaped for its intents; returns how many got it. */
    broadcast(t: string, d: unknown): number {
      const guildId = guildOfDispatch(t, d);
      const targets = readyConnections().filter(
        (connection) => connection.session && onShard(connection.session.shard, guildId),
      );
      for (const connection of targets) {
        const shaped = shapeForIntents(t, d, connection.session?.intents ?? 0, init.botUserId);
        if (shaped !== undefined) dispatchTo(connection, t, shaped);
      }
      return targets.length;
    },
    /**
     * The network drops one shard: its connections close (4000: discord.js tries to resume), and its RESUME or
     * IDENTIFY go unanswered until `restoreShard`.
     */
    dropShard(shard: number, code: number, reason: string): void {
      if (!held.has(shard)) held.set(shard, []);
      for (const connection of connections) {
        if (connection.session?.shard[0] !== shard) continue;
        connection.ready = false;
        connection.socket.close(code, reason);
      }
    },
    restoreShard(shard: number): void {
      const waiting = held.get(shard) ?? [];
      held.delete(shard);
      for (const answer of waiting) answer();
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

/** IDENTIFY's `shard`, when it is a valid `[shard_id, num_shards]`. */
function shardOf(value: unknown): FakeShard | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [id, count] = value as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return undefined;
  return (id as number) >= 0 && (id as number) < (count as number) ? [id as number, count as number] : undefined;
}
