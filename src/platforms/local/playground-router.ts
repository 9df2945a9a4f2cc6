import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformEngine } from '../../core/platform/platform-engine.js';
import { createBrowserGuard } from '../../server/browser-guard.js';
import { type RouteHandler, sendJson } from '../../server/http-server.js';
import { readJsonBody, refuseDeclaredOversize } from '../../server/request-body.js';
import { createPlaygroundApi, type PlaygroundApi } from './playground-api.js';
import type { PlaygroundPlatformConfig } from './playground-config.js';
import { answerPlaygroundError } from './playground-errors.js';
import { playgroundLimits } from './playground-limits.js';
import { playgroundPage } from './playground-page.js';
import { playgroundScript } from './playground-script.js';
import { playgroundStyle } from './playground-style.js';

const assets: Record<string, { type: string; body: string }> = {
  '/playground.js': { type: 'text/javascript; charset=utf-8', body: playgroundScript },
  '/playground.css': { type: 'text/css; charset=utf-8', body: playgroundStyle },
};

/**
 * The playground's routes on the one HTTP server: the page, its script and style, and the JSON API. Every answer
 * passes the browser guard first (Host, same origin, the token); the API sees only `local` records.
 */
export function createPlaygroundRouter(options: PlaygroundPlatformConfig, engine: PlatformEngine): RouteHandler {
  const limits = playgroundLimits(engine.catalogue, options.pipeline.maxInputBytes);
  const api = createPlaygroundApi({ engine, pipeline: options.pipeline, limits });
  const guard = createBrowserGuard({
    listenHost: options.listenHost,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.token ? { token: options.token } : {}),
  });
  const page = playgroundPage({
    offline: options.offline,
    defaultModel: engine.defaultModel,
    tokenRequired: options.token !== undefined,
  });
  return async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const asset = assets[pathname];
    const isPage = pathname === '/';
    if (!isPage && !asset && !pathname.startsWith('/api/')) return false;
    if (!guard.admit(request, response, { needsToken: !isPage && !asset })) return true;
    if (isPage || asset) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      response.writeHead(200, {
        'content-type': asset?.type ?? 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
      });
      response.end(asset?.body ?? page);
      return true;
    }
    await answerApi(options, api, request, response, pathname, limits.maxBodyBytes);
    return true;
  };
}

async function answerApi(
  options: PlaygroundPlatformConfig,
  api: PlaygroundApi,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  maxBodyBytes: number,
): Promise<void> {
  const method = request.method ?? 'GET';
  const job = /^\/api\/jobs\/([\w-]{1,64})(\/cancel|\/retry)?$/.exec(pathname);
  const image = /^\/api\/turns\/([\w-]{1,64})\/images\/(\d{1,2})$/.exec(pathname);
  try {
    if (method === 'POST' && pathname === '/api/submit') {
      refuseDeclaredOversize(request, maxBodyBytes);
      const result = await options.uploads.run(async () => api.submit(await readJsonBody(request, maxBodyBytes)));
      return sendJson(response, 200, result, noStore);
    }
    if (method === 'GET' && job?.[1] && !job[2]) return sendJson(response, 200, await api.jobStatus(job[1]), noStore);
    if (method === 'POST' && job?.[1] && job[2] === '/cancel') return sendJson(response, 200, await api.cancel(job[1]));
    if (method === 'POST' && job?.[1] && job[2] === '/retry') return sendJson(response, 200, await api.retry(job[1]));
    if (method === 'GET' && image?.[1] && image[2]) {
      const output = await api.image(image[1], Number(image[2]));
      if (!output) return sendJson(response, 404, { error: 'This image is no longer stored.' });
      response.writeHead(200, {
        'content-type': output.ref.mimeType,
        'content-length': output.bytes.byteLength,
        'cache-control': 'private, max-age=31536000, immutable',
      });
      response.end(output.bytes);
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  } catch (error) {
    answerPlaygroundError(response, error, options.logger, pathname);
  }
}

const noStore = { 'cache-control': 'no-store' };
