import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeCdn } from './fake-discord-cdn.js';
import { DiscordApiFailure, notFound, tooManyAttachments, unauthorized } from './fake-discord-errors.js';
import type { createFaults } from './fake-discord-faults.js';
import { parseBody, readBody, sendJson } from './fake-discord-http.js';
import type { FakeDiscordRequest, FakeDiscordViolation } from './fake-discord-records.js';
import { matchRoute, type Route } from './fake-discord-router.js';
import type { SpecValidator } from './fake-discord-spec.js';

export interface RequestHandlerInit {
  readonly baseUrl: string;
  readonly botToken: string;
  readonly routes: readonly Route[];
  readonly spec: SpecValidator | undefined;
  readonly faults: ReturnType<typeof createFaults>;
  readonly cdn: FakeCdn;
  readonly requests: FakeDiscordRequest[];
  readonly unhandled: FakeDiscordRequest[];
  readonly violations: FakeDiscordViolation[];
  /** Called once a request has been answered. */
  readonly answered: (request: FakeDiscordRequest) => void;
}

/**
 * Every HTTP request, in Discord's order: record it; CDN downloads; route (404 → `unhandled`); bot auth (401);
 * scripted faults; unreadable bodies (50109); more than 10 files (30015); the spec (50035); then the route, which
 * enforces the rest of Discord's limits and state rules.
 */
export function createRequestHandler(init: RequestHandlerInit) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const receivedAt = performance.now();
    const url = new URL(request.url ?? '/', init.baseUrl);
    const method = request.method ?? 'GET';
    const bytes = await readBody(request);
    const apiPath = url.pathname.startsWith('/api/v10/')
      ? safeDecode(url.pathname.slice('/api/v10'.length))
      : undefined;
    const parsed = apiPath === undefined ? {} : await parseBody(request.headers['content-type'], bytes);
    const files = parsed.multipart?.files ?? [];
    const record: FakeDiscordRequest = {
      method,
      path: apiPath ?? safeDecode(url.pathname) ?? url.pathname,
      rawUrl: request.url ?? '/',
      query: Object.fromEntries(url.searchParams),
      auth: request.headers.authorization,
      contentType: request.headers['content-type'],
      ...(parsed.json !== undefined && { json: parsed.json }),
      ...(parsed.multipart && { multipart: parsed.multipart }),
      body: parsed.json ?? parsed.multipart?.payload,
      files,
      receivedAt,
    };
    init.requests.push(record);
    const answer = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) => {
      sendJson(response, status, body, headers);
      record.status = status === 200 && body === undefined ? 204 : status;
      record.response = body;
      record.answeredAt = performance.now();
      init.answered(record);
    };

    if (method === 'GET' && url.pathname.startsWith('/cdn/')) {
      record.status = init.cdn.serve(url.pathname, response);
      record.answeredAt = performance.now();
      init.answered(record);
      return;
    }
    try {
      const matched = apiPath === undefined ? undefined : matchRoute(init.routes, method, apiPath);
      if (!matched || apiPath === undefined) {
        init.unhandled.push(record);
        throw notFound();
      }
      if (matched.route.auth === 'bot' && request.headers.authorization !== `Bot ${init.botToken}`)
        throw unauthorized();
      const fault = init.faults.take(method, apiPath);
      if (fault) return answer(fault.status, fault.body, fault.headers);
      if (parsed.malformed) throw new DiscordApiFailure(400, 50109, parsed.malformed);
      // Counted before the form is read: 11 uploads are a 30015, not a 50035 on `attachments`.
      if (files.length > 10) throw tooManyAttachments();
      init.spec?.check(matched.route.template, method, record.body);
      const body = isObject(record.body) ? record.body : {};
      const context = { params: matched.params, query: url.searchParams, body, files, request: record };
      const result = await matched.route.handle(context);
      answer(result.status, result.body);
    } catch (error) {
      if (!(error instanceof DiscordApiFailure)) throw error;
      const source = error.details.violation;
      if (source) {
        const { status, code, message } = error;
        init.violations.push({
          source,
          method,
          path: record.path,
          status,
          code,
          message,
          errors: error.details.errors,
          body: record.body,
        });
      }
      answer(error.status, error.body, error.details.headers);
    }
  };
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
