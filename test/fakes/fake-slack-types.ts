import type { IncomingHttpHeaders } from 'node:http';

export interface FakeSlackChannel {
  readonly id: string;
  readonly name: string;
  /** A private channel: the bot cannot join it by itself (`conversations.join` refuses). */
  readonly isPrivate?: boolean;
  /** A direct message with the bot (`D…`): the bot is always in it. */
  readonly isIm?: boolean;
  /** Members at start; the bot's user id makes the bot a member. */
  readonly members?: readonly string[];
}

export interface FakeSlackUser {
  readonly id: string;
  readonly name?: string;
  readonly isAdmin?: boolean;
  readonly isOwner?: boolean;
}

export interface FakeSlackOptions {
  /** The bot token every Web API call must carry as `Authorization: Bearer …` (`xoxb-test`). */
  readonly botToken?: string;
  /** The app-level token `apps.connections.open` (Socket Mode) must carry (`xapp-test`). */
  readonly appToken?: string;
  readonly teamId?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  /** Default: `C1` #general (bot not a member yet), `G1` #secret (private, bot not a member), `D1` (DM with the bot). */
  readonly channels?: readonly FakeSlackChannel[];
  /** Default: `U1`, `U2` members and `UADMIN` a workspace admin. */
  readonly users?: readonly FakeSlackUser[];
  /** Slack's Web API OpenAPI 2.0 spec; default `test/fixtures/specs/slack-web-openapi-v2.json` (vendored). */
  readonly specPath?: string;
  /** How long a `trigger_id` may wait before `views.open` (3 s, as Slack). */
  readonly triggerTtlMs?: number;
  /** Keep recorded calls' arguments (true); the benchmark turns it off. */
  readonly recordArgs?: boolean;
}

/** One request the fake received: a Web API method, an upload, a file fetch or a `response_url` post. */
export interface FakeSlackCall {
  /** `chat.postMessage`, … for the Web API; `upload`, `file`, `cdn` and `respond` for the other routes. */
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Form or JSON arguments as received (strings for form fields). */
  readonly args: Readonly<Record<string, unknown>>;
  /** What the fake answered (`ok`, `error`, …); HTTP status for non-API routes. */
  readonly response: Readonly<Record<string, unknown>>;
  readonly status: number;
  /** `performance.now()` at arrival. */
  readonly at: number;
}

export interface FakeSlackMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  readonly user: string;
  text: string;
  blocks?: unknown[];
  readonly fromBot: boolean;
  deleted: boolean;
  readonly files: readonly string[];
}

export interface FakeSlackFile {
  readonly id: string;
  readonly name: string;
  readonly mimetype: string;
  /** Empty until the upload URL received the bytes. */
  bytes: Uint8Array;
  /** The `length` announced to `files.getUploadURLExternal`. */
  expectedLength?: number;
  /** Who shared it: a member (test input) or the bot (an upload). */
  readonly user: string;
  readonly title?: string;
  channel?: string;
  threadTs?: string;
  completed: boolean;
  deleted: boolean;
  /**
   * What `files.info` tells this workspace: `visible` (default) the whole file; `none` `file_not_found` (another
   * organisation's file in a Slack Connect channel); `hidden_by_limit` a stub without URLs (a free plan's limit).
   */
  access?: FakeSlackFileAccess;
  readonly url_private: string;
  readonly url_private_download: string;
}

export type FakeSlackFileAccess = 'visible' | 'none' | 'hidden_by_limit';

/** What a message event carries for a file Slack only names: read it with `files.info`. */
export interface FakeSlackFileStub {
  readonly id: string;
  readonly mode: 'file_access' | 'hidden_by_limit';
  readonly file_access?: 'check_file_info';
  readonly created: number;
  readonly timestamp: number;
  readonly user: string;
}

/** A file as it appears in a message event's `files[]`. */
export interface FakeSlackFileObject {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly mimetype: string;
  readonly filetype: string;
  readonly size: number;
  readonly url_private: string;
  readonly url_private_download: string;
}

export interface FakeSlackEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly text: string;
  readonly threadTs?: string;
}

export interface FakeSlackResponse {
  readonly id: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface FakeSlackView {
  readonly id: string;
  readonly triggerId: string;
  readonly view: Readonly<Record<string, unknown>>;
}

/** Delivers the events real Slack would send back for the bot's own posts (so the app can prove it ignores them). */
export type FakeSlackEchoSink = (event: Record<string, unknown>) => Promise<void>;

export interface FakeSlack {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The Web API base for `SLACK_API_URL` (`${url}/api/`). */
  readonly apiUrl: string;
  /** A second loopback server standing for a non-Slack host; it records the headers it was sent. */
  readonly otherHostUrl: string;
  readonly botToken: string;
  readonly appToken: string;
  /** Socket Mode: envelopes to the connected app, and its acknowledgements. */
  readonly socket: {
    send(
      type: 'slash_commands' | 'events_api' | 'interactive',
      payload: Readonly<Record<string, unknown>>,
      timeoutMs?: number,
    ): Promise<{ readonly envelope_id: string; readonly payload?: Readonly<Record<string, unknown>> }>;
    connections(): number;
  };
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly calls: readonly FakeSlackCall[];
  readonly messages: readonly FakeSlackMessage[];
  readonly ephemerals: readonly FakeSlackEphemeral[];
  readonly responses: readonly FakeSlackResponse[];
  readonly views: readonly FakeSlackView[];
  /** Each member's Home tab as last published (`views.publish`). */
  readonly homeViews: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Requests that broke the spec or Block Kit's limits (also answered `ok:false`). Empty when the bot behaved. */
  readonly violations: readonly string[];
  /** Calls of one method, oldest first. */
  callsOf(method: string): FakeSlackCall[];
  /** Resolves with the first call (past or future) that matches; rejects after `timeoutMs` (5000). */
  waitFor(predicate: (call: FakeSlackCall) => boolean, timeoutMs?: number): Promise<FakeSlackCall>;
  /** Waits for the `count`-th call of `method` that matches. */
  waitForCalls(
    method: string,
    count: number,
    predicate?: (call: FakeSlackCall) => boolean,
    timeoutMs?: number,
  ): Promise<FakeSlackCall[]>;
  /**
   * The next call of `method` answers `{ ok: false, error }` (plus `extra`); with `when`, the next call whose
   * arguments match (a call of another job, still finishing, passes it by).
   */
  failNext(
    method: string,
    error: string,
    extra?: Record<string, unknown>,
    when?: (args: Record<string, unknown>) => boolean,
  ): void;
  /** The next call of `method` (or `upload`) answers HTTP 429 with `Retry-After: seconds`. */
  rateLimitNext(method: string, retryAfterSeconds: number): void;
  /** A member's message, stored so the bot can thread under it; returns its `ts`. */
  postAsMember(input: {
    channel: string;
    user: string;
    text: string;
    threadTs?: string;
    files?: readonly string[];
  }): string;
  /** A file a member shared; `url_private` is served only with the bot token. */
  addFile(bytes: Uint8Array, options?: { name?: string; mimetype?: string; user?: string }): FakeSlackFileObject;
  /**
   * A file shared in a way that sends only a stub in events (a Slack Connect channel, or a free plan's limit):
   * `files.info` answers according to `access`.
   */
  stubFile(bytes: Uint8Array, options?: { name?: string; access?: FakeSlackFileAccess }): FakeSlackFileStub;
  /** A file object whose URLs point at `otherHostUrl` (not Slack). */
  foreignFile(bytes: Uint8Array, name?: string): FakeSlackFileObject;
  /** A file object whose `url_private` redirects to `otherHostUrl`. */
  redirectingFile(bytes: Uint8Array, name?: string): FakeSlackFileObject;
  /** A file its member deleted: its downloads answer 404. */
  deleteFile(id: string): void;
  /** `url_private` downloads wait from now until the returned function is called (a slow file host). */
  holdFiles(): () => void;
  /** How many `url_private` downloads were asked for, held ones included. */
  readonly filesRequested: number;
  /** Requests the other host received. */
  readonly otherHostRequests: readonly { path: string; headers: IncomingHttpHeaders }[];
  /** A fresh `response_url` and a fresh `trigger_id` (valid for `triggerTtlMs`). */
  responseUrl(): string;
  triggerId(): string;
  message(channel: string, ts: string): FakeSlackMessage | undefined;
  file(id: string): FakeSlackFile | undefined;
  /** A file as events and shortcuts show it (throws for an unknown id). */
  fileObject(id: string): FakeSlackFileObject;
  /** Thread replies (bot messages and uploads) under `threadTs`, oldest first. */
  thread(channel: string, threadTs: string): FakeSlackMessage[];
  isMember(channel: string, user: string): boolean;
  /** Echo the bot's own posts back as message events through `sink` (Slack does). */
  echoTo(sink: FakeSlackEchoSink | undefined): void;
  close(): Promise<void>;
}
