import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../../../src/images/image-type.js';
import type { HttpAnswer } from '../../support/http-request.js';
import { errorOf, type PlaygroundServer, usePlaygroundServer } from './playground-harness.js';

const playgrounds = usePlaygroundServer();
const token = 'test-token-0123456789abcdef';

/** Submits a prompt and waits for its job to be delivered; resolves to the job's status as the page sees it. */
async function imagineThroughPage(playground: PlaygroundServer, text: string) {
  const submitted = await playground.request('/api/submit', { json: { text } });
  expect(submitted.status, submitted.body).toBe(200);
  const { jobId } = JSON.parse(submitted.body) as { jobId: string };
  await playground.harness.settle(jobId);
  const status = await playground.request(`/api/jobs/${jobId}`);
  return JSON.parse(status.body) as { state: string; images: { url: string }[]; turnId: string };
}

const expectSecurityHeaders = (answer: HttpAnswer, what: string) => {
  expect(answer.headers['x-content-type-options'], what).toBe('nosniff');
  expect(answer.headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
};

describe('the playground token', () => {
  it('answers 401 with nothing done without the token or with a wrong one, and serves everything with it', async () => {
    const playground = await playgrounds.start({ token });
    const page = await playground.request('/', { token: false });
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-token="required"');

    for (const sent of [false, 'test-token-0123456789abcdeX', `${token}x`, ''] as const) {
      const submit = await playground.request('/api/submit', { json: { text: 'a lighthouse' }, token: sent });
      expect(submit.status).toBe(401);
      expect(submit.headers['www-authenticate']).toBe('Bearer realm="threadpaint"');
      expect(errorOf(submit)).toMatch(/access token \(PLAYGROUND_TOKEN\).*Authorization: Bearer/);
    }
    expect(await playground.harness.allJobs()).toEqual([]);

    const delivered = await imagineThroughPage(playground, 'a lighthouse at dusk');
    expect(delivered.state).toBe('delivered');
    const imageUrl = delivered.images[0]?.url ?? '';
    expect((await playground.request(`/api/jobs/${delivered.turnId}`, { token: false })).status).toBe(401);
    expect((await playground.request(imageUrl, { token: false })).status).toBe(401);
    const image = await playground.request(imageUrl);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(sniffImageType(image.bytes)?.mimeType).toBe('image/png');
    expectSecurityHeaders(image, 'image');
  });

  it('needs no token on loopback when none is configured (the quickstart)', async () => {
    const playground = await playgrounds.start();
    expect((await playground.request('/')).body).toContain('data-token="none"');
    expect((await imagineThroughPage(playground, 'a red fox')).state).toBe('delivered');
  });
});

describe('browser protections', () => {
  it('refuses a foreign Host (DNS rebinding) with 403 on the page and the API, and makes no job', async () => {
    const playground = await playgrounds.start();
    const { job } = await playground.harness.imagineDelivered('a Slack job');
    const foreign = { host: 'attacker.example:3000' };
    const page = await playground.request('/', { headers: foreign });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain('<html');
    expect((await playground.request(`/api/jobs/${job.id}`, { headers: foreign })).status).toBe(403);
    const submit = await playground.request('/api/submit', {
      json: { text: 'a lighthouse' },
      headers: { ...foreign, origin: 'http://attacker.example:3000' },
    });
    expect(submit.status).toBe(403);
    expect(await playground.harness.allJobs()).toEqual([job]);
  });

  it('answers to 127.0.0.1, [::1] and localhost on any port, and to PUBLIC_URL’s host', async () => {
    const playground = await playgrounds.start({ publicUrl: 'https://paint.example.org', token });
    for (const host of ['127.0.0.1:8080', '[::1]:3000', 'localhost', 'LOCALHOST:1', 'paint.example.org']) {
      expect((await playground.request('/', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of ['paint.example.org:8443', 'example.org', 'localhost.attacker.example', '127.0.0.2']) {
      expect((await playground.request('/', { headers: { host } })).status, host).toBe(403);
    }
    // Behind a TLS proxy: the page is https://PUBLIC_URL while this server sees http.
    const proxied = await playground.request('/api/submit', {
      json: { text: 'a lighthouse' },
      headers: { host: 'paint.example.org', origin: 'https://paint.example.org' },
    });
    expect(proxied.status, proxied.body).toBe(200);
  });

  it('refuses cross-site and non-JSON state changes with 403 and makes no job', async () => {
    const playground = await playgrounds.start();
    const refused: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: `http://${playground.host}`, 'content-type': 'text/plain' },
      { origin: `http://${playground.host}`, 'content-type': 'application/x-www-form-urlencoded' },
      { origin: '', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) {
      const answer = await playground.request('/api/submit', { json: { text: 'a forged job' }, headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expectSecurityHeaders(answer, '403');
    }
    expect(await playground.harness.allJobs()).toEqual([]);

    // What the page itself sends: fetch with JSON, and a same-origin Origin (or only Sec-Fetch-Site).
    const fromPage = await playground.request('/api/submit', { json: { text: 'a real job' } });
    expect(fromPage.status, fromPage.body).toBe(200);
    const fetchMetadataOnly = await playground.request('/api/submit', {
      json: { text: 'another real job' },
      headers: { origin: '', 'sec-fetch-site': 'same-origin' },
    });
    expect(fetchMetadataOnly.status, fetchMetadataOnly.body).toBe(200);
    expect(await playground.harness.allJobs()).toHaveLength(2);
  });

  it('serves its script as a file under a policy that allows no inline script, and no framing', async () => {
    const playground = await playgrounds.start();
    const page = await playground.request('/');
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const script = await playground.request('/ui/api.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain("authorization: 'Bearer '");
    for (const path of ['/', '/ui/api.js', '/ui/style.css', '/api/jobs/nothing', '/api/nowhere']) {
      expectSecurityHeaders(await playground.request(path), path);
    }
  });
});
