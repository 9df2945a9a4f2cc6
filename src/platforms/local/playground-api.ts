import { z } from 'zod';
import type { InboundRequest, Requester } from '../../core/engine/engine-types.js';
import { jobMissing } from '../../core/engine/ownership.js';
import { upscaleLabel, upscaleStep } from '../../core/engine/upscale.js';
import type { PlatformEngine } from '../../core/platform/platform-engine.js';
import type { JobRecord, TurnRecord } from '../../core/records.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { PlaygroundLimits } from './playground-limits.js';
import { playgroundTarget } from './playground-target.js';
import { decodePendingImages, placeholdersFor, readPendingImages } from './playground-uploads.js';

/** The playground's one member, on the `local` platform: it sees local jobs and conversations, nothing else. */
export const playgroundMember: Requester = { platform: 'local', workspaceId: '', memberId: 'playground' };

const absentWhenEmpty = (value: unknown) => (value === '' || value === null ? undefined : value);
const id = (name: string) =>
  z
    .preprocess(
      absentWhenEmpty,
      z
        .string({ error: `\`${name}\` must be a string` })
        .regex(/^[\w-]{1,64}$/, `\`${name}\` is not an id`)
        .optional(),
    )
    .optional();

function submitSchema(limits: PlaygroundLimits) {
  return z.object({
    requestId: id('requestId'),
    conversationId: id('conversationId'),
    turnId: id('turnId'),
    index: z
      .preprocess(
        absentWhenEmpty,
        z.number({ error: '`index` must be a number' }).int().min(0, '`index` must be 0 or more').max(15).optional(),
      )
      .optional(),
    action: z
      .preprocess(
        absentWhenEmpty,
        z
          .enum(['imagine', 'edit', 'reroll', 'variations', 'upscale', 'blend'], { error: 'Unknown action.' })
          .optional(),
      )
      .optional(),
    text: z
      .string({ error: '`text` must be a string' })
      .max(limits.maxTextChars, `The text is over ${limits.maxTextChars.toLocaleString('en')} characters.`)
      .optional(),
    images: z.unknown().optional(),
  });
}

export interface PlaygroundApiOptions {
  readonly engine: PlatformEngine;
  readonly pipeline: ImagePipeline;
  readonly limits: PlaygroundLimits;
}

/** The playground's JSON API: submit, then poll the job until its turn has images. Every id is read as `local`. */
export function createPlaygroundApi(options: PlaygroundApiOptions) {
  const { engine, limits } = options;
  const schema = submitSchema(limits);

  async function submit(raw: Record<string, unknown>) {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new UserFacingError('bad_request', parsed.error.issues[0]?.message ?? 'Bad request.');
    const body = parsed.data;
    const asked = body.action ?? (body.conversationId ? 'edit' : 'imagine');
    // A Blend starts a conversation of its own from the images sent with it.
    const blend = asked === 'blend';
    const action = blend ? 'imagine' : asked;
    // Counted and sized before any decode; the model's own count is checked next, with stand-ins.
    const pending = readPendingImages(body.images, limits);
    const inbound: InboundRequest = {
      ...playgroundMember,
      idempotencyKey: `local:${body.requestId ?? globalThis.crypto.randomUUID()}`,
      action,
      text: body.text ?? '',
      attachments: placeholdersFor(pending),
      channelId: 'playground',
      ...(blend ? { blend: true } : {}),
      ...(body.conversationId && !blend ? { conversationId: body.conversationId } : {}),
      ...(body.turnId ? { target: { turnId: body.turnId, index: body.index ?? 0 } } : {}),
      delivery: playgroundTarget,
    };
    const checked = await engine.precheck(inbound);
    const attachments = checked.duplicate ? [] : await decodePendingImages(pending, options.pipeline);
    const result = await engine.submit({ ...inbound, attachments });
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

  function upscaleLabelOf(turn: TurnRecord | undefined): string | undefined {
    const step = turn?.parameters ? upscaleStep(engine.catalogue, turn.parameters) : undefined;
    return step ? upscaleLabel(step) : undefined;
  }

  async function jobStatus(jobId: string) {
    const job = await engine.getJob(jobId, playgroundMember);
    if (!job) throw jobMissing();
    const turn = await engine.getTurn(job.turnId, playgroundMember);
    return {
      state: job.state,
      position: engine.position(job.id),
      error: job.error?.message,
      retryable: job.error?.retryable ?? false,
      turnId: job.turnId,
      parameters: turn?.parameters,
      // The Upscale button's label where the model makes a larger size (none: no button).
      upscale: upscaleLabelOf(turn),
      notices: turn?.notices ?? [],
      images: (turn?.outputImages ?? []).map((ref, index) => ({
        url: `/api/turns/${job.turnId}/images/${index}`,
        seed: ref.seed,
        width: ref.width,
        height: ref.height,
      })),
    };
  }

  return {
    submit,
    jobStatus,
    cancel: async (jobId: string) => summary(await engine.cancel(jobId, playgroundMember)),
    async retry(jobId: string) {
      const result = await engine.retry(jobId, playgroundMember, `local:retry:${globalThis.crypto.randomUUID()}`);
      return { jobId: result.job.id };
    },
    image: (turnId: string, index: number) => engine.readOutput(turnId, index, playgroundMember),
  };
}

export type PlaygroundApi = ReturnType<typeof createPlaygroundApi>;

const summary = (job: JobRecord) => ({ jobId: job.id, state: job.state });
