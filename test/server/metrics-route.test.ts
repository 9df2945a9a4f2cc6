import { afterEach, describe, expect, it } from 'vitest';
import { type AppServer, createAppServer } from '../../src/server/http-server.js';
import { metricsRoute } from '../../src/server/metrics-route.js';
import { httpRequest } from '../support/http-request.js';

let server: AppServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(token?: string): Promise<string> {
  server = createAppServer({ host: '127.0.0.1', port: 0 });
  let scrapes = 0;
  server.mount(
    metricsRoute({
      render: async () => `threadpaint_scrapes_total ${++scrapes}\n`,
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      ...(token ? { token } : {}),
    }),
  );
  return (await server.listen()).url;
}

describe('GET /metrics', () => {
  it('answers the exposition text, rendered at each scrape', async () => {
    const url = await serve();
    const first = await httpRequest(`${url}/metrics`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(first.body).toBe('threadpaint_scrapes_total 1\n');
    expect((await httpRequest(`${url}/metrics`)).body).toBe('threadpaint_scrapes_total 2\n');
  });

  it('with a token, answers 401 and renders nothing without it or with a wrong one', async () => {
    const token = 'scrape-0123456789abcdef';
    const url = await serve(token);
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${token}`]) {
      const answer = await httpRequest(`${url}/metrics`, authorization ? { headers: { authorization } } : {});
      expect(answer.status).toBe(401);
      expect(answer.body).toMatch(/METRICS_TOKEN/);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="threadpaint metrics"');
    }
    const answer = await httpRequest(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('threadpaint_scrapes_total 1\n');
  });

  it('takes only GET (and HEAD)', async () => {
    const url = await serve();
    expect((await httpRequest(`${url}/metrics`, { method: 'POST', body: '' })).status).toBe(405);
  });
});
