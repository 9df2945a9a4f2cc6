import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformEngine } from '../../core/platform/platform-engine.js';
import { createBrowserGuard } from '../../server/browser-guard.js';
import { type RouteHandler, sendJson } from '../../server/http-server.js';
import { readJsonBody, refuseDeclaredOversize } from '../../server/request-body.js';
import { createPlaygroundApi, type PlaygroundApi } from './playground-api.js';
import { loadPlaygroundAssets, renderPage } from './playground-assets.js';
import type { PlaygroundPlatformConfig } from './playground-config.js';
import { answerPlaygroundError } from './playground-errors.js';
import type { PlaygroundEvents } from './playground-events.js';
import { playgroundLimits } from './playground-limits.js';
import { createOperatorApi, type OperatorApi } from './playground-operator.js';

/**
 * The playground's routes on the one HTTP server: the page and its files (`/`, `/ui/*`), the member's JSON API and
 * event stream, and the operator console's API (`/api/operator/*`). Every answer passes the browser guard first
 * (Host, same origin, the token); the member API sees only `local` records.
 */
export function createPlaygroundRouter(
  options: PlaygroundPlatformConfig,
  engine: PlatformEngine,
  events: PlaygroundEvents,
): RouteHandler {
  const limits = playgroundLimits(engine.catalogue, options.pipeline.maxInputBytes);
  const api = createPlaygroundApi({ engine, pipeline: options.pipeline, limits, events });
  const operator = createOperatorApi({
    engine,
    showPrompts: options.token !== undefined,
    ...(options.configCheck ? { configCheck: options.configCheck } : {}),
  });
  const guard = createBrowserGuard({
    listenHost: options.listenHost,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.token ? { token: options.token } : {}),
  });
  const assets = loadPlaygroundAssets();
  const page = renderPage(assets.get('index.html')?.body ?? '', {
    offline: options.offline,
    defaultModel: engine.defaultModel,
    tokenRequired: options.token !== undefined,
  });
  // Without a token, Discord's and Slack's jobs are not for a page anyone on this machine can open.
  const operatorClosed = options.chatPlatformsEnabled === true && options.token === undefined;
  return async (request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://localhost');
    const asset = pathname.startsWith('/ui/') ? assets.get(pathname.slice(4)) : undefined;
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
    if (pathname.startsWith('/api/operator/')) {
      if (operatorClosed) {
        sendJson(response, 403, {
          error:
            'The operator console shows Discord and Slack jobs, so it needs PLAYGROUND_TOKEN while either is enabled.',
        });
        return true;
      }
      await answerOperator(options, operator, request, response, pathname, searchParams);
      return true;
    }
    if (pathname === '/api/events' && request.method === 'GET') {
      events.open(request, response);
      return true;
    }
    await answerApi(options, api, request, response, pathname, searchParams, limits.maxBodyBytes);
    return true;
  };
}

async function answerApi(
  options: PlaygroundPlatformConfig,
  api: PlaygroundApi,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  query: URLSearchParams,
  maxBodyBytes: number,
): Promise<void> {
  const method = request.method ?? 'GET';
  const job = /^\/api\/jobs\/([\w-]{1,64})(\/cancel|\/retry)?$/.exec(pathname);
  const image = /^\/api\/turns\/([\w-]{1,64})\/images\/(\d{1,2})$/.exec(pathname);
  const turn = /^\/api\/turns\/([\w-]{1,64})$/.exec(pathname);
  const conversation = /^\/api\/conversations\/([\w-]{1,64})$/.exec(pathname);
  try {
    if (method === 'POST' && pathname === '/api/submit') {
      refuseDeclaredOversize(request, maxBodyBytes);
      const result = await options.uploads.run(async () => api.submit(await readJsonBody(request, maxBodyBytes)));
      return sendJson(response, 200, result, noStore);
    }
    if (method === 'GET' && pathname === '/api/conversations') {
      return sendJson(response, 200, await api.conversations(listLimit(query)), noStore);
    }
    if (method === 'GET' && conversation?.[1])
      return sendJson(response, 200, await api.thread(conversation[1]), noStore);
    if (method === 'GET' && job?.[1] && !job[2]) return sendJson(response, 200, await api.jobStatus(job[1]), noStore);
    if (method === 'POST' && job?.[1] && job[2] === '/cancel') return sendJson(response, 200, await api.cancel(job[1]));
    if (method === 'POST' && job?.[1] && job[2] === '/retry') return sendJson(response, 200, await api.retry(job[1]));
    if (method === 'DELETE' && turn?.[1]) return sendJson(response, 200, await api.deleteTurn(turn[1]));
    if (method === 'GET' && image?.[1] && image[2]) {
      const output = await api.image(image[1], Number(image[2]));
      if (!output) return sendJson(response, 404, { error: 'This image is no longer stored.' });
      const extension = output.ref.mimeType.split('/')[1] ?? 'png';
      response.writeHead(200, {
        'content-type': output.ref.mimeType,
        'content-length': output.bytes.byteLength,
        'cache-control': 'private, max-age=31536000, immutable',
        ...(query.get('download') === '1'
          ? {
              'content-disposition': `attachment; filename="threadpaint-${image[1].slice(0, 8)}-${Number(image[2]) + 1}.${extension}"`,
            }
          : {}),
      });
      response.end(output.bytes);
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  } catch (error) {
    answerPlaygroundError(response, error, options.logger, pathname);
  }
}

async function answerOperator(
  options: PlaygroundPlatformConfig,
  operator: OperatorApi,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  query: URLSearchParams,
): Promise<void> {
  try {
    if (request.method !== 'GET') return sendJson(response, 405, { error: 'The operator console only reads.' });
    if (pathname === '/api/operator/jobs') return sendJson(response, 200, await operator.jobs(query), noStore);
    if (pathname === '/api/operator/usage') return sendJson(response, 200, await operator.usage(query), noStore);
    if (pathname === '/api/operator/config') return sendJson(response, 200, await operator.config(), noStore);
    sendJson(response, 404, { error: 'not found' });
  } catch (error) {
    answerPlaygroundError(response, error, options.logger, pathname);
  }
}

/** `?limit=` of a list, 1 to 100 (50 when absent or not a number). */
function listLimit(query: URLSearchParams): number {
  const limit = Number(query.get('limit') ?? 50);
  return Number.isInteger(limit) ? Math.max(1, Math.min(100, limit)) : 50;
}

const noStore = { 'cache-control': 'no-store' };
