import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../../config/config.js';
import { describeParameters } from '../../core/describe-request.js';
import type { ImageProvider } from '../../core/image-provider.js';
import type { InputImage } from '../../core/imagine-request.js';
import { parseInlineFlags } from '../../core/inline-flags.js';
import { isUserFacingError, UserFacingError } from '../../core/user-facing-error.js';
import { validateRequest } from '../../core/validate-request.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import { type Logger, newReferenceId } from '../../logging/logger.js';
import { isImageApiError } from '../../providers/image-api-error.js';
import { type RouteHandler, sendJson } from '../../server/http-server.js';
import { playgroundPage } from './playground-page.js';

export interface PlaygroundOptions {
  readonly config: Config;
  readonly provider: ImageProvider;
  readonly pipeline: ImagePipeline;
  readonly logger: Logger;
}

const maxBodyBytes = 40 * 1024 * 1024;

/**
 * The local playground: a page on the process's HTTP server where anyone can try /imagine and thread edits
 * without Discord or Slack (and, with the offline renderer, without an API key).
 */
export function createPlayground(options: PlaygroundOptions): RouteHandler {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(playgroundPage({ offline: options.config.offline, defaultModel: options.config.DEFAULT_MODEL }));
      return true;
    }
    if (request.method === 'POST' && url.pathname === '/api/generate') {
      try {
        const body = (await readJson(request)) as { text?: unknown; images?: unknown };
        sendJson(response, 200, await generate(options, body));
      } catch (error) {
        sendJson(response, isUserFacingError(error) || isImageApiError(error) ? 400 : 500, {
          error: describe(options.logger, error),
        });
      }
      return true;
    }
    return false;
  };
}

async function generate(options: PlaygroundOptions, body: { text?: unknown; images?: unknown }) {
  if (typeof body.text !== 'string') throw new UserFacingError('empty_prompt', 'Type a prompt first.');
  const images: InputImage[] = [];
  for (const [index, dataUrl] of (Array.isArray(body.images) ? body.images : []).entries()) {
    const match = typeof dataUrl === 'string' ? /^data:[^;,]*;base64,(.*)$/s.exec(dataUrl) : null;
    if (!match?.[1]) throw new UserFacingError('not_an_image', `Image ${index + 1} is not an image.`);
    const bytes = Buffer.from(match[1], 'base64');
    const info = await options.pipeline.inspect(bytes, `image ${index + 1}`);
    images.push({ bytes, mimeType: info.mimeType, name: `image ${index + 1}` });
  }
  const { prompt, flags } = parseInlineFlags(body.text);
  const { request, notices } = validateRequest(
    { prompt, ...flags, inputImages: images },
    {
      catalogue: options.config.catalogue,
      defaultModel: options.config.DEFAULT_MODEL,
      randomSeed: () => randomInt(0, 2 ** 31 - 1),
    },
  );
  const result = await options.provider.generate(request, { signal: AbortSignal.timeout(options.config.JOB_TIMEOUT_MS) });
  return {
    images: result.images.map((image) => ({
      dataUrl: `data:${image.mimeType};base64,${Buffer.from(image.bytes).toString('base64')}`,
      ...(image.seed !== undefined ? { seed: image.seed } : {}),
    })),
    parameters: describeParameters(request),
    notices: [...notices.map((notice) => notice.message), ...(result.notices ?? [])],
    offline: result.offline,
  };
}

function describe(logger: Logger, error: unknown): string {
  if (isUserFacingError(error)) return error.message;
  const reference = newReferenceId();
  if (isImageApiError(error)) {
    logger.warn({ reference, code: error.code, details: { ...error.details, cause: undefined } }, error.message);
    return `${error.memberMessage} (ref ${reference})`;
  }
  logger.error({ reference, err: error }, 'playground request failed');
  return `Something went wrong on our side (ref ${reference}).`;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new UserFacingError('image_too_large', 'That upload is over 40 MB.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new UserFacingError('bad_request', 'The request body is not JSON.');
  }
}
