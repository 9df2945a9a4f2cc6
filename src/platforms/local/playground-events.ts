import type { IncomingMessage, ServerResponse } from 'node:http';

/** One event the page's stream carries: a job's state (from the engine's job events) or a turn deleted. */
export interface PlaygroundEvent {
  readonly type: 'job' | 'turn_deleted';
  readonly data: Readonly<Record<string, unknown>>;
}

export interface PlaygroundEventsOptions {
  /** Events kept for a page that reconnects (`Last-Event-ID`); an older id gets `reset`. */
  readonly keep?: number;
  /** Streams open at once; more are answered 503. */
  readonly maxStreams?: number;
  /** A comment line this often keeps proxies and the page's own watchdog from closing an idle stream. */
  readonly heartbeatMs?: number;
}

/**
 * The playground's server-sent events: one stream per page (`GET /api/events`). Every event has an id
 * `<boot>-<n>`; a page that reconnects sends the last one it saw as `Last-Event-ID` and gets what it missed, or a
 * `reset` (another process, or older than what is kept) after which it reads its thread again.
 */
export class PlaygroundEvents {
  private readonly boot = globalThis.crypto.randomUUID().slice(0, 8);
  private readonly kept: { id: number; text: string }[] = [];
  private readonly streams = new Set<ServerResponse>();
  private next = 1;
  private readonly keep: number;
  private readonly maxStreams: number;
  private readonly heartbeatMs: number;

  constructor(options: PlaygroundEventsOptions = {}) {
    this.keep = options.keep ?? 500;
    this.maxStreams = options.maxStreams ?? 32;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  publish(event: PlaygroundEvent): void {
    const id = this.next++;
    const text = `id: ${this.boot}-${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
    this.kept.push({ id, text });
    if (this.kept.length > this.keep) this.kept.shift();
    for (const stream of this.streams) stream.write(text);
  }

  /** Answers the request with the stream (headers already set by the guard); resolves when it closes. */
  open(request: IncomingMessage, response: ServerResponse): void {
    if (this.streams.size >= this.maxStreams) {
      response.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
      response.end(JSON.stringify({ error: 'Too many pages are open on this server; close one and reload.' }));
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: 2000\n\n`);
    const last = lastEventId(request.headers['last-event-id']);
    if (last !== undefined) {
      const oldest = this.kept[0]?.id ?? this.next;
      if (last.boot !== this.boot || last.id + 1 < oldest || last.id >= this.next) {
        response.write(`event: reset\ndata: {}\n\n`);
      } else {
        for (const kept of this.kept) if (kept.id > last.id) response.write(kept.text);
      }
    }
    this.streams.add(response);
    const heartbeat = setInterval(() => response.write(': ping\n\n'), this.heartbeatMs);
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      this.streams.delete(response);
    };
    request.on('close', close);
    response.on('close', close);
  }

  /** Ends every stream (the platform stops). */
  closeAll(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}

function lastEventId(header: string | string[] | undefined): { boot: string; id: number } | undefined {
  const match = /^([0-9a-f]{8})-(\d{1,15})$/.exec(typeof header === 'string' ? header.trim() : '');
  return match?.[1] && match[2] ? { boot: match[1], id: Number(match[2]) } : undefined;
}
