import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppServer, createAppServer, sendJson, serverLimitDefaults } from '../../src/server/http-server.js';
import { httpRequest } from '../support/http-request.js';

let server: AppServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

async function start(options: Partial<Parameters<typeof createAppServer>[0]> = {}) {
  server = createAppServer({ host: '127.0.0.1', port: 0, ...options });
  const address = await server.listen();
  return { server, ...address };
}

/** A raw connection; resolves with everything the server wrote once it closed the connection. */
async function rawConnection(port: number): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
  });
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  return { socket, answer };
}

const quick = { headersTimeoutMs: 300, requestTimeoutMs: 600, connectionsCheckingIntervalMs: 50 };

describe('the HTTP server bounds what one client costs', () => {
  it('has timeouts of tens of seconds, not Node’s 300 s, and a connection cap', async () => {
    const { server: app } = await start();
    expect(app.server.requestTimeout).toBe(serverLimitDefaults.requestTimeoutMs);
    expect(app.server.headersTimeout).toBe(serverLimitDefaults.headersTimeoutMs);
    expect(app.server.maxConnections).toBe(serverLimitDefaults.maxConnections);
    expect(serverLimitDefaults.requestTimeoutMs).toBeLessThanOrEqual(60_000);
  });

  it('answers 408 and hangs up on a client that never finishes its headers', async () => {
    const { port } = await start({ limits: quick });
    const { socket, answer } = await rawConnection(port);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(await answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 to a body that trickles in past the request timeout', async () => {
    const { port, server: app } = await start({ limits: quick });
    let bodyRead = false;
    app.mount(async (request) => {
      await request.toArray();
      bodyRead = true;
      return false;
    });
    const { socket, answer } = await rawConnection(port);
    socket.write('POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nonly a little');
    expect(await answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyRead).toBe(false);
  });

  it('drops connections beyond maxConnections as they arrive', async () => {
    const { port, server: app } = await start({ limits: { maxConnections: 2 } });
    const dropped: unknown[] = [];
    app.server.on('drop', (data) => dropped.push(data));
    let accepted = 0;
    const twoAccepted = new Promise<void>((resolve) =>
      app.server.on('connection', () => {
        if (++accepted === 2) resolve();
      }),
    );
    await rawConnection(port);
    await rawConnection(port);
    await twoAccepted;
    const third = await rawConnection(port);
    expect(await third.answer).toBe('');
    expect(dropped).toHaveLength(1);
  });

  it('says nosniff on every answer, its own 404 and /healthz included', async () => {
    const { url } = await start();
    for (const path of ['/healthz', '/nowhere']) {
      const answer = await httpRequest(`${url}${path}`);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
    }
  });
});

describe('binding before the process is ready', () => {
  it('answers /healthz 503 and holds other requests until ready(), then serves them', async () => {
    const { url, server: app } = await start({ holdUntilReady: true });
    const handled: string[] = [];
    app.mount((request, response) => {
      handled.push(request.url ?? '');
      sendJson(response, 200, { ok: true });
      return true;
    });
    const arrived = new Promise<IncomingMessage>((resolve) =>
      app.server.on('request', (request: IncomingMessage) => request.url === '/held' && resolve(request)),
    );
    const held = httpRequest(`${url}/held`);
    await arrived;
    const health = await httpRequest(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toEqual({ ok: false, starting: true, failing: ['starting'] });
    expect(handled).toEqual([]);

    app.ready();
    expect((await held).status).toBe(200);
    expect(handled).toEqual(['/held']);
    expect((await httpRequest(`${url}/healthz`)).status).toBe(200);
  });

  it('answers /readyz 503 until ready(), 200 then, and 503 again once it drains, while other routes still answer', async () => {
    const { url, server: app } = await start({ holdUntilReady: true });
    app.mount((_request, response) => {
      sendJson(response, 200, { served: true });
      return true;
    });
    const starting = await httpRequest(`${url}/readyz`);
    expect(starting.status).toBe(503);
    expect(JSON.parse(starting.body)).toEqual({ ready: false, reason: 'starting' });
    app.ready();
    expect((await httpRequest(`${url}/readyz`)).status).toBe(200);

    app.drain();
    const draining = await httpRequest(`${url}/readyz`);
    expect(draining.status).toBe(503);
    expect(JSON.parse(draining.body)).toEqual({ ready: false, reason: 'shutting down' });
    expect((await httpRequest(`${url}/healthz`)).status).toBe(200);
    expect((await httpRequest(`${url}/anything`)).status).toBe(200);
  });

  it('answers /healthz 503 with what its health check says is failing', async () => {
    const { url } = await start({ health: () => ({ ok: false, failing: ['disk'], disk: '3 MB free' }) });
    const answer = await httpRequest(`${url}/healthz`);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, failing: ['disk'], disk: '3 MB free' });
  });
});
