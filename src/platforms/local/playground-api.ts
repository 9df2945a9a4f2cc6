import { z } from 'zod';
import type { InboundRequest, Requester } from '../../core/engine/engine-types.js';
import { imageGone, jobMissing } from '../../core/engine/ownership.js';
import type { PlatformEngine } from '../../core/platform/platform-engine.js';
import type { JobRecord, TurnRecord } from '../../core/records.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { PlaygroundEvents } from './playground-events.js';
import type { PlaygroundLimits } from './playground-limits.js';
import { playgroundTarget } from './playground-target.js';
import { decodePendingImages, placeholdersFor, readPendingImages } from './playground-uploads.js';
import { jobView, turnView, upscaleLabelOf } from './playground-views.js';

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
    confirmed: z.boolean({ error: '`confirmed` must be true or false' }).optional(),
  });
}

export interface PlaygroundApiOptions {
  readonly engine: PlatformEngine;
  /** Told of a deleted turn, so every open page drops it. */
  readonly events: PlaygroundEvents;
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
      // The member saw a costly Upscale's price (`confirm_cost`) and pressed Confirm.
      ...(body.confirmed === true ? { confirmed: true } : {}),
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
      turn: turnView(
        result.turn,
        jobView(result.job, result.position),
        result.job.input.base ??
          ((action === 'variations' || action === 'upscale') && body.turnId
            ? { turnId: body.turnId, index: body.index ?? 0 }
            : undefined),
        engine.catalogue,
      ),
    };
  }

  async function jobStatus(jobId: string) {
    const job = await engine.getJob(jobId, playgroundMember);
    if (!job) throw jobMissing();
    const turn = await engine.getTurn(job.turnId, playgroundMember);
    const view = jobView(job, engine.position(job.id));
    // The fields before `turn` are the API's original answer, kept for scripts that read them.
    return {
      state: job.state,
      position: view.position,
      error: job.error?.message,
      retryable: view.retryable,
      turnId: job.turnId,
      conversationId: job.conversationId,
      parameters: turn?.parameters,
      // The Upscale button's label where the model makes a larger size (none: no button).
      upscale: upscaleLabelOf(engine.catalogue, turn),
      notices: turn?.notices ?? [],
      images: turn ? turnView(turn, view, undefined, engine.catalogue).images : [],
      ...(turn ? { turn: turnView(turn, view, job.input.base, engine.catalogue) } : {}),
    };
  }

  async function conversations(limit: number) {
    const list = await engine.listConversations(playgroundMember, limit);
    return {
      conversations: list.map(({ conversation, title, turns }) => ({
        id: conversation.id,
        title,
        turns,
        model: conversation.model,
        createdAt: conversation.createdAt,
        updatedAt: conversation.updatedAt,
      })),
    };
  }

  async function thread(conversationId: string) {
    const found = await engine.conversationThread(conversationId, playgroundMember);
    if (!found) throw conversationGone();
    return {
      id: found.conversation.id,
      model: found.conversation.model,
      createdAt: found.conversation.createdAt,
      updatedAt: found.conversation.updatedAt,
      turns: found.turns.map(({ turn, job }) =>
        turnView(
          turn,
          job && jobView(job, engine.position(job.id)),
          job?.input.base ?? variedImage(turn, job, found.turns),
          engine.catalogue,
        ),
      ),
    };
  }

  return {
    submit,
    jobStatus,
    conversations,
    thread,
    cancel: async (jobId: string) => summary(await engine.cancel(jobId, playgroundMember)),
    async retry(jobId: string) {
      const result = await engine.retry(jobId, playgroundMember, `local:retry:${globalThis.crypto.randomUUID()}`);
      return { jobId: result.job.id, turnId: result.job.turnId, conversationId: result.job.conversationId };
    },
    async deleteTurn(turnId: string) {
      const turn = await engine.getTurn(turnId, playgroundMember);
      if (!turn) throw imageGone();
      await engine.deleteTurn(turnId, playgroundMember);
      options.events.publish({ type: 'turn_deleted', data: { turnId, conversationId: turn.conversationId } });
      return { turnId, conversationId: turn.conversationId, deleted: true };
    },
    image: (turnId: string, index: number) => engine.readOutput(turnId, index, playgroundMember),
  };
}

/**
 * The image a Variations or Upscale turn started from: its parent's output whose bytes it took as its input (the
 * turn's inputs once it ran; before, the job's).
 */
function variedImage(turn: TurnRecord, job: JobRecord | undefined, turns: readonly { readonly turn: TurnRecord }[]) {
  if ((turn.action !== 'variations' && turn.action !== 'upscale') || !turn.parentTurnId) return undefined;
  const parent = turns.find((each) => each.turn.id === turn.parentTurnId)?.turn;
  const input = turn.inputImages[0] ?? job?.input.attachments[0];
  const index = parent?.outputImages.findIndex((image) => image.hash === input?.hash) ?? -1;
  return parent && index >= 0 ? { turnId: parent.id, index } : undefined;
}

const conversationGone = () =>
  new UserFacingError('conversation_expired', 'That conversation is no longer stored (it expired or was deleted).');

export type PlaygroundApi = ReturnType<typeof createPlaygroundApi>;

const summary = (job: JobRecord) => ({ jobId: job.id, state: job.state });
