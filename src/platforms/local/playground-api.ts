import type { InboundRequest } from '../../core/engine/engine-types.js';
import type { InputImage } from '../../core/imagine-request.js';
import type { JobRecord, TurnAction } from '../../core/records.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { PlaygroundOptions } from './playground.js';

const member = { platform: 'local', workspaceId: '', memberId: 'playground' } as const;

/** The playground's JSON API: submit, then poll the job until its turn has images. */
export function createPlaygroundApi(options: PlaygroundOptions) {
  const { engine } = options;

  async function submit(body: Record<string, unknown>) {
    const requestId = stringField(body, 'requestId') ?? globalThis.crypto.randomUUID();
    const conversationId = stringField(body, 'conversationId');
    const turnId = stringField(body, 'turnId');
    const action = (stringField(body, 'action') ?? (conversationId ? 'edit' : 'imagine')) as TurnAction;
    if (!['imagine', 'edit', 'reroll', 'variations'].includes(action)) {
      throw new UserFacingError('bad_request', `Unknown action ${action}.`);
    }
    const inbound: InboundRequest = {
      ...member,
      idempotencyKey: `local:${requestId}`,
      action,
      text: stringField(body, 'text') ?? '',
      attachments: await decodeImages(options, body.images),
      channelId: 'playground',
      ...(conversationId ? { conversationId } : {}),
      ...(turnId ? { target: { turnId, index: Number(body.index ?? 0) } } : {}),
      ...(action === 'variations' ? { options: { count: 2 } } : {}),
      delivery: {},
    };
    const result = await engine.submit(inbound);
    if (result.status === 'duplicate')
      return { jobId: result.job.id, conversationId: result.job.conversationId, duplicate: true };
    return {
      jobId: result.job.id,
      conversationId: result.conversation.id,
      turnId: result.turn.id,
      position: result.position,
      notices: result.notices,
    };
  }

  async function jobStatus(jobId: string) {
    const job = await engine.getJob(jobId);
    if (!job) throw new UserFacingError('job_missing', 'That request is no longer stored.');
    const turn = await engine.getTurn(job.turnId);
    return {
      state: job.state,
      position: engine.position(job.id),
      error: job.error?.message,
      retryable: job.error?.retryable ?? false,
      turnId: job.turnId,
      parameters: turn?.parameters,
      notices: turn?.notices ?? [],
      images: (turn?.outputImages ?? []).map((ref) => ({
        url: `/api/images/${ref.hash}`,
        seed: ref.seed,
        width: ref.width,
        height: ref.height,
      })),
    };
  }

  return {
    async handle(method: string, path: string, body: Record<string, unknown>): Promise<unknown> {
      if (method === 'POST' && path === '/api/submit') return submit(body);
      const job = /^\/api\/jobs\/([\w-]+)(\/cancel|\/retry)?$/.exec(path);
      if (job?.[1] && method === 'GET' && !job[2]) return jobStatus(job[1]);
      if (job?.[1] && method === 'POST' && job[2] === '/cancel') return summary(await engine.cancel(job[1], member));
      if (job?.[1] && method === 'POST' && job[2] === '/retry') {
        const result = await engine.retry(job[1], member, `local:retry:${globalThis.crypto.randomUUID()}`);
        return { jobId: result.job.id };
      }
      return undefined;
    },
  };
}

const summary = (job: JobRecord) => ({ jobId: job.id, state: job.state });

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function decodeImages(options: PlaygroundOptions, images: unknown): Promise<InputImage[]> {
  const decoded: InputImage[] = [];
  for (const [index, dataUrl] of (Array.isArray(images) ? images : []).entries()) {
    const match = typeof dataUrl === 'string' ? /^data:[^;,]*;base64,(.*)$/s.exec(dataUrl) : null;
    if (!match?.[1]) throw new UserFacingError('not_an_image', `Attachment ${index + 1} is not an image.`);
    const bytes = Buffer.from(match[1], 'base64');
    const name = `attachment ${index + 1}`;
    const info = await options.pipeline.inspect(bytes, name);
    decoded.push({ bytes, mimeType: info.mimeType, name });
  }
  return decoded;
}
