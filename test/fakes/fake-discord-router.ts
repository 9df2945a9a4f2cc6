import type { FakeCdn } from './fake-discord-cdn.js';
import type { FakeDiscordRequest, FakeMessage, FakeUploadedFile, FakeUser } from './fake-discord-records.js';
import type { FakeState } from './fake-discord-state.js';

export interface RouteContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The JSON body or multipart `payload_json`; `{}` when there is none. */
  readonly body: Record<string, unknown>;
  readonly files: readonly FakeUploadedFile[];
  readonly request: FakeDiscordRequest;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
}

export interface Route {
  readonly method: string;
  /** The spec's path template, e.g. `/channels/{channel_id}/messages`: also the key of its OpenAPI operation. */
  readonly template: string;
  /** `bot`: needs `Authorization: Bot <token>`; `none`: interaction callbacks and webhooks (the token is in the path). */
  readonly auth: 'bot' | 'none';
  readonly segments: readonly string[];
  handle(context: RouteContext): RouteResult | Promise<RouteResult>;
}

/** What every route file works with. */
export interface FakeApp {
  readonly botToken: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly gatewayUrl: string;
  /** What GET /gateway/bot recommends, and how many shards may IDENTIFY at once. */
  readonly shards: number;
  readonly maxConcurrency: number;
  readonly interactionResponseDeadlineMs: number;
  readonly tokenLifetimeMs: number;
  readonly state: FakeState;
  readonly cdn: FakeCdn;
  readonly snowflake: () => string;
  readonly now: () => number;
  /** Sends a dispatch caused by the bot's own REST call to connected clients (unless echo is off). */
  echo(t: string, d: unknown): void;
  /** A message as the gateway carries it: with `guild_id` and the author's `member`. */
  gatewayMessage(message: FakeMessage): Record<string, unknown>;
}

export function route(
  spec: `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`,
  auth: Route['auth'],
  handle: Route['handle'],
): Route {
  const [method = '', template = ''] = spec.split(' ');
  return { method, template, auth, segments: template.split('/').slice(1), handle };
}

export const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
export const noContent: RouteResult = { status: 204 };

/** The first route whose literal segments match (so `@original` is listed before `{message_id}`). */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/').slice(1);
  for (const candidate of routes) {
    if (candidate.method !== method || candidate.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = candidate.segments.every((segment, index) => {
      const part = parts[index] ?? '';
      if (segment.startsWith('{')) {
        params[segment.slice(1, -1)] = part;
        return part.length > 0;
      }
      return segment === part;
    });
    if (matches) return { route: candidate, params };
  }
  return undefined;
}
