import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MethodResult } from './fake-slack-methods.js';
import type { SlackWorkspace } from './fake-slack-state.js';

export type Fault =
  | {
      readonly kind: 'fail';
      readonly error: string;
      readonly extra: MethodResult;
      /** Only a call whose arguments match takes this fault; others pass it by. */
      readonly when?: (args: Record<string, unknown>) => boolean;
    }
  | { readonly kind: 'rate'; readonly seconds: number };

export interface RouteContext {
  readonly workspace: SlackWorkspace;
  readonly botToken: string;
  readonly violations: string[];
  record(
    request: IncomingMessage,
    method: string,
    args: Record<string, unknown>,
    status: number,
    response: MethodResult,
  ): void;
  takeFault(method: string, args?: Record<string, unknown>): Fault | undefined;
}

/** `response_url`s take five posts within 30 minutes (Slack's slash command docs). */
const maxResponseUses = 5;

/**
 * The routes beside the Web API: the external upload URL of `files.uploadV2` (multipart, one `body` part),
 * `url_private` (only with the bot token; Slack answers anything else with its sign-in page) and `response_url`.
 */
export function createFileRoutes(context: RouteContext) {
  const { workspace, botToken, violations, record, takeFault } = context;

  async function upload(request: IncomingMessage, response: ServerResponse, fileId: string, raw: Buffer) {
    const fault = takeFault('upload');
    const file = workspace.files.get(fileId);
    const done = (status: number, body: MethodResult, headers: Record<string, string> = {}) => {
      record(request, 'upload', { fileId, bytes: raw.byteLength }, status, body);
      response.writeHead(status, { 'content-type': 'text/plain', ...headers });
      response.end(status === 200 ? `OK - ${raw.byteLength}` : String(body['error'] ?? 'error'));
    };
    if (fault?.kind === 'rate') return done(429, { error: 'ratelimited' }, { 'retry-after': String(fault.seconds) });
    if (fault?.kind === 'fail' || !file || file.completed)
      return done(fault?.kind === 'fail' ? 500 : 404, { error: 'upload refused' });
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': request.headers['content-type'] ?? '' },
    })
      .formData()
      .catch(() => undefined);
    const part = form?.get('body') ?? form?.get('file');
    if (!(part instanceof Blob)) return done(400, { error: 'no file part (expected `body`)' });
    const bytes = new Uint8Array(await part.arrayBuffer());
    if (file.expectedLength !== undefined && bytes.byteLength !== file.expectedLength) {
      violations.push(`upload ${fileId}: ${bytes.byteLength} bytes, ${file.expectedLength} announced`);
    }
    file.bytes = bytes;
    done(200, { ok: true, bytes: bytes.byteLength });
  }

  function serveFile(request: IncomingMessage, response: ServerResponse, fileId: string) {
    const file = workspace.files.get(fileId);
    const authorized = request.headers.authorization === `Bearer ${botToken}`;
    const status = !file || file.deleted ? 404 : authorized ? 200 : 403;
    record(request, 'file', { fileId, authorized }, status, {});
    if (status !== 200 || !file) {
      // Real Slack answers an unauthenticated url_private with its HTML sign-in page.
      response.writeHead(status, { 'content-type': 'text/html' });
      return response.end('<html>Sign in to Slack</html>');
    }
    response.writeHead(200, { 'content-type': file.mimetype, 'content-length': file.bytes.byteLength });
    response.end(file.bytes);
  }

  async function respond(request: IncomingMessage, response: ServerResponse, id: number, raw: Buffer) {
    const uses = workspace.responseUses.get(id);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      violations.push(`response_url ${id}: body is not JSON`);
    }
    if (uses === undefined || uses >= maxResponseUses) {
      record(request, 'respond', body, 404, { error: 'used_url' });
      response.writeHead(404).end('used_url');
      return;
    }
    workspace.responseUses.set(id, uses + 1);
    workspace.responses.push({ id, body });
    record(request, 'respond', body, 200, { ok: true });
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  }

  return { upload, serveFile, respond };
}
