import { afterEach } from 'vitest';
import { type ConcurrencyLimit, createConcurrencyLimit } from '../../../src/images/concurrency-limit.js';
import { createImagePipeline, type ImagePipeline, imagePipelineDefaults } from '../../../src/images/image-pipeline.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createPlaygroundPlatform } from '../../../src/platforms/local/playground-platform.js';
import { type AppServer, createAppServer } from '../../../src/server/http-server.js';
import type { EngineHarness } from '../../support/engine-harness.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { type HttpAnswer, httpRequest } from '../../support/http-request.js';

export interface PlaygroundServerOptions {
  readonly token?: string;
  readonly publicUrl?: string;
  readonly listenHost?: string;
  /** The pipeline the playground decodes uploads with; default: a real one. */
  readonly pipeline?: ImagePipeline;
  readonly uploads?: ConcurrencyLimit;
  /** Largest image accepted (the pipeline's input limit by default). */
  readonly maxImageBytes?: number;
  /** Discord or Slack runs beside it (the operator console then needs the token). */
  readonly chatPlatformsEnabled?: boolean;
}

export interface PlaygroundRequest {
  readonly method?: string;
  /** JSON-encoded; sent as `application/json` unless `headers` say otherwise. */
  readonly json?: unknown;
  readonly body?: string;
  /**
   * Added to (or replacing) the defaults: `Origin` of the page on POST, the bearer token when there is one. An empty
   * value leaves the header out.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** `false` sends no token even when the playground has one. */
  readonly token?: string | false;
}

/**
 * The playground mounted on the one HTTP server over a real engine (SQLite in a temp dir, the offline renderer),
 * whose Slack side (`harness.imagineDelivered`) makes records of another platform. Requests go over loopback with
 * `node:http`, so tests can forge any header (Host, Origin) a browser or an attacker would send.
 */
export interface PlaygroundServer {
  readonly harness: EngineHarness;
  readonly server: AppServer;
  readonly url: string;
  /** `127.0.0.1:<port>`: the Host a browser on this machine sends. */
  readonly host: string;
  /** Images the playground's pipeline inspected (decoded). */
  readonly decoded: () => number;
  request(path: string, request?: PlaygroundRequest): Promise<HttpAnswer>;
}

export function usePlaygroundServer(): { start(options?: PlaygroundServerOptions): Promise<PlaygroundServer> } {
  const harnesses = harnessTracker();
  const servers: AppServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await harnesses.closeAll();
  });
  return {
    async start(options = {}) {
      const harness = harnesses.create();
      const real =
        options.pipeline ??
        createImagePipeline(options.maxImageBytes !== undefined ? { maxInputBytes: options.maxImageBytes } : {});
      let decoded = 0;
      const pipeline: ImagePipeline = {
        ...real,
        inspect: (bytes, name) => {
          decoded++;
          return real.inspect(bytes, name);
        },
      };
      const listenHost = options.listenHost ?? '127.0.0.1';
      const server = createAppServer({ host: listenHost, port: 0 });
      servers.push(server);
      const playground = createPlaygroundPlatform({
        server,
        pipeline,
        logger: createLogger({ level: 'silent' }),
        offline: true,
        ...(options.token ? { token: options.token } : {}),
        listenHost,
        ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
        uploads: options.uploads ?? createConcurrencyLimit(imagePipelineDefaults.concurrency),
        ...(options.chatPlatformsEnabled ? { chatPlatformsEnabled: true } : {}),
      });
      // Beside the harness's own stand-in (Slack) platform, as in a process with both.
      harness.engine.attachPlatform(playground);
      await playground.start(harness.engine);
      const { port } = await server.listen();
      const url = `http://127.0.0.1:${port}`;
      return {
        harness,
        server,
        url,
        host: `127.0.0.1:${port}`,
        decoded: () => decoded,
        request(path, request = {}) {
          const method = request.method ?? (request.json !== undefined || request.body !== undefined ? 'POST' : 'GET');
          const token = request.token === false ? undefined : (request.token ?? options.token);
          const merged: Record<string, string> = {
            ...(method === 'POST' ? { origin: url, 'content-type': 'application/json' } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...request.headers,
          };
          const headers = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== ''));
          const body = request.json !== undefined ? JSON.stringify(request.json) : request.body;
          return httpRequest(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
        },
      };
    },
  };
}

export const errorOf = (answer: HttpAnswer): string => (JSON.parse(answer.body) as { error: string }).error;
