import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConversationEngine } from '../../core/engine/conversation-engine.js';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import { isUserFacingError } from '../../core/user-facing-error.js';
import type { ConcurrencyLimit } from '../../images/concurrency-limit.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import { type Logger, newReferenceId } from '../../logging/logger.js';
import { createBrowserGuard } from '../../server/browser-guard.js';
import { type RouteHandler, sendJson } from '../../server/http-server.js';
import { RequestBodyError, readJsonBody, refuseDeclaredOversize } from '../../server/request-body.js';
import { createPlaygroundApi, type PlaygroundApi } from './playground-api.js';
import { playgroundLimits } from './playground-limits.js';
import { playgroundPage } from './playground-page.js';
import { playgroundScript } from './playground-script.js';
import { playgroundStyle } from './playground-style.js';

export interface PlaygroundOptions {
  readonly engine: ConversationEngine;
  readonly catalogue: ModelCatalogue;
  readonly pipeline: ImagePipeline;
  readonly logger: Logger;
  readonly offline: boolean;
  readonly defaultModel: string;
  /** `Authorization: Bearer` required on the API (`PLAYGROUND_TOKEN`); the configuration requires it off loopback. */
  readonly token?: string;
  /** `HOST` and `PUBLIC_URL`: the names the page may be reached by. */
  readonly listenHost: string;
  readonly publicUrl?: string;
  /** Largest image accepted at all (the image pipeline's input limit). */
  readonly maxImageBytes: number;
  /** Uploads read and decoded at once: a slot of the size of the pipeline's limit, held from body to last decode. */
  readonly uploads: ConcurrencyLimit;
}

/** Codes that mean "no such thing (for you)": answered 404, like an id that never existed. */
const notFoundCodes = new Set(['job_missing', 'conversation_expired', 'image_missing']);

const assets: Record<string, { type: string; body: string }> = {
  '/playground.js': { type: 'text/javascript; charset=utf-8', body: playgroundScript },
  '/playground.css': { type: 'text/css; charset=utf-8', body: playgroundStyle },
};

/**
 * The local playground, a platform like Discord and Slack (`local`): a page where an operator can try /imagine and
 * thread edits through the same engine — persisted conversations, the queue, quotas — without Discord or Slack. Every
 * answer passes the browser guard first (Host, same origin, the token); the API sees only `local` records.
 */
export function createPlayground(options: PlaygroundOptions): RouteHandler {
  const limits = playgroundLimits(options.catalogue, options.maxImageBytes);
  const api = createPlaygroundApi({ engine: options.engine, pipeline: options.pipeline, limits });
  const guard = createBrowserGuard({
    listenHost: options.listenHost,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.token ? { token: options.token } : {}),
  });
  const page = playgroundPage({
    offline: options.offline,
    defaultModel: options.defaultModel,
    tokenRequired: options.token !== undefined,
  });
  options.engine.registerDeliverer('local', { deliver: async () => undefined });
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
  options: PlaygroundOptions,
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
    if (error instanceof RequestBodyError) {
      response.setHeader('connection', 'close');
      return sendJson(response, error.status, { error: error.message });
    }
    if (isUserFacingError(error)) {
      return sendJson(response, notFoundCodes.has(error.code) ? 404 : 400, { error: error.message });
    }
    const reference = newReferenceId();
    options.logger.error({ reference, err: error, path: pathname }, 'playground request failed');
    sendJson(response, 500, { error: `Something went wrong on our side (ref ${reference}).` });
  }
}

const noStore = { 'cache-control': 'no-store' };
