import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../config/config.js';
import type { ConversationEngine } from '../../core/engine/conversation-engine.js';
import { type BlobStore, isBlobHash } from '../../core/store.js';
import { isUserFacingError, UserFacingError } from '../../core/user-facing-error.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import { sniffImageType } from '../../images/image-type.js';
import { type Logger, newReferenceId } from '../../logging/logger.js';
import { type RouteHandler, sendJson } from '../../server/http-server.js';
import { createPlaygroundApi } from './playground-api.js';
import { playgroundPage } from './playground-page.js';

export interface PlaygroundOptions {
  readonly config: Config;
  readonly engine: ConversationEngine;
  readonly blobs: BlobStore;
  readonly pipeline: ImagePipeline;
  readonly logger: Logger;
}

const maxBodyBytes = 40 * 1024 * 1024;

/**
 * The local playground, a platform like Discord and Slack (`local`): a page where anyone can try /imagine and
 * thread edits through the same engine — persisted conversations, the queue, quotas — without Discord or Slack,
 * and with the offline renderer, without an API key.
 */
export function createPlayground(options: PlaygroundOptions): RouteHandler {
  const api = createPlaygroundApi(options);
  options.engine.registerDeliverer('local', { deliver: async () => undefined });
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(playgroundPage({ offline: options.config.offline, defaultModel: options.config.DEFAULT_MODEL }));
      return true;
    }
    const image = /^\/api\/images\/([0-9a-f]{64})$/.exec(url.pathname);
    if (request.method === 'GET' && image?.[1] && isBlobHash(image[1])) {
      await sendImage(options.blobs, image[1], response);
      return true;
    }
    if (!url.pathname.startsWith('/api/')) return false;
    try {
      const body = request.method === 'POST' ? await readJson(request) : {};
      const result = await api.handle(request.method ?? 'GET', url.pathname, body);
      if (result === undefined) return false;
      sendJson(response, 200, result);
    } catch (error) {
      sendJson(response, isUserFacingError(error) ? 400 : 500, { error: describe(options.logger, error) });
    }
    return true;
  };
}

async function sendImage(blobs: BlobStore, hash: string, response: ServerResponse): Promise<void> {
  try {
    const bytes = await blobs.get(hash);
    response.writeHead(200, {
      'content-type': sniffImageType(bytes)?.mimeType ?? 'application/octet-stream',
      'cache-control': 'private, max-age=31536000, immutable',
    });
    response.end(bytes);
  } catch {
    sendJson(response, 404, { error: 'This image is no longer stored (the conversation may have expired).' });
  }
}

function describe(logger: Logger, error: unknown): string {
  if (isUserFacingError(error)) return error.message;
  const reference = newReferenceId();
  logger.error({ reference, err: error }, 'playground request failed');
  return `Something went wrong on our side (ref ${reference}).`;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new UserFacingError('image_too_large', 'That upload is over 40 MB.');
    chunks.push(chunk);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new UserFacingError('bad_request', 'The request body is not JSON.');
  }
}
