import type { InputImage } from '../imagine-request.js';
import { chargedUnits, checkQuota, quotaGuards } from '../jobs/quota.js';
import type {
  ConversationRecord,
  ImageRef,
  JobInput,
  JobRecord,
  JobState,
  ServerSettings,
  TurnRecord,
} from '../records.js';
import type { QuotaGuard } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';
import { validateRequest } from '../validate-request.js';
import { imagineRequestOf, requestInputFrom } from './build-request.js';
import type { EngineContext } from './engine-context.js';
import type { InboundRequest, Requester } from './engine-types.js';
import { withNamedMask } from './named-mask.js';
import { type Continuation, resolveContinuation } from './ownership.js';

export interface PreparedSubmission {
  readonly conversation: ConversationRecord;
  readonly isNewConversation: boolean;
  readonly turn: TurnRecord;
  readonly job: JobRecord;
  readonly notices: readonly string[];
  /** Resolution tier, for the usage ledger. */
  readonly tier: string;
  /** The quota windows checked now, checked again in the transaction that writes the reservation. */
  readonly quota: readonly QuotaGuard[];
}

/**
 * Validates a delivery and builds its records (nothing is written yet): the flags against the model, the member's
 * quota, the conversation it starts or continues. Invalid input throws a UserFacingError and makes no job.
 */
export async function prepareSubmission(
  context: EngineContext,
  inbound: InboundRequest,
  options: { readonly dryRun?: boolean; readonly continuation?: Continuation } = {},
): Promise<PreparedSubmission> {
  const { store, now } = context;
  const { conversation, parent } = options.continuation ?? (await resolveContinuation(context, inbound));
  const [member, server] = await Promise.all([
    store.getMemberSettings(inbound.platform, inbound.workspaceId, inbound.memberId),
    store.getServerSettings(inbound.platform, inbound.workspaceId),
  ]);
  const requested = withNamedMask(
    jobInputFor(inbound, parent, { member, server, conversationModel: conversation?.model }),
    inbound,
    { catalogue: context.catalogue, defaultModel: context.settings.defaultModel },
  );

  // Dry-run validation with the images the job will have, so bad flags are refused now, not after queueing.
  const baseCount = inbound.action === 'edit' ? 1 : 0;
  const placeholder: InputImage = { bytes: new Uint8Array(0), mimeType: 'image/png' };
  // A reroll or variations carries the parent's images already: they count as well (a mask among them too).
  const carried = requested.attachments.length;
  const images = [...Array.from({ length: baseCount + carried }, () => placeholder), ...(inbound.attachments ?? [])];
  const { request, notices } = validateRequest(imagineRequestOf(requested, images), {
    catalogue: context.catalogue,
    defaultModel: context.settings.defaultModel,
    randomSeed: context.randomSeed,
  });
  const units = chargedUnits(request, context.provider.offline);
  const quota = await checkRequesterQuota(context, inbound, units, server);
  // Stored only once the request is accepted: a refused one leaves no image behind.
  // A dry run (a platform's check before it answers) validates and checks the quota but stores nothing.
  const attachments = options.dryRun ? [] : await storeAttachments(context, inbound.attachments ?? []);
  const input: JobInput = { ...requested, attachments: [...requested.attachments, ...attachments] };
  const parentTurnId =
    parent?.id ??
    (conversation && inbound.action === 'edit' ? await latestLiveTurnId(context, conversation.id) : undefined);

  const at = now();
  const record: ConversationRecord = conversation ?? {
    id: context.newId(),
    platform: inbound.platform,
    workspaceId: inbound.workspaceId,
    channelId: inbound.channelId,
    ...(inbound.threadId !== undefined ? { threadId: inbound.threadId } : {}),
    ...(inbound.rootMessageId !== undefined ? { rootMessageId: inbound.rootMessageId } : {}),
    ownerId: inbound.memberId,
    model: request.model.id,
    createdAt: at,
    updatedAt: at,
  };
  const jobId = context.newId();
  const turn: TurnRecord = {
    id: context.newId(),
    conversationId: record.id,
    ...(parentTurnId !== undefined ? { parentTurnId } : {}),
    authorId: inbound.memberId,
    action: inbound.action,
    instruction: input.prompt,
    inputImages: [],
    outputImages: [],
    jobId,
    upstreamRequestIds: [],
    notices: [],
    createdAt: at,
  };
  const job: JobRecord = {
    id: jobId,
    conversationId: record.id,
    turnId: turn.id,
    platform: inbound.platform,
    workspaceId: inbound.workspaceId,
    memberId: inbound.memberId,
    action: inbound.action,
    state: 'queued',
    input,
    delivery: inbound.delivery,
    idempotencyKey: inbound.idempotencyKey,
    costUnits: units,
    createdAt: at,
    updatedAt: at,
  };
  return {
    conversation: record,
    isNewConversation: !conversation,
    turn,
    job,
    notices: notices.map((notice) => notice.message),
    tier: request.tier,
    quota,
  };
}

/**
 * The turn a reply with no picked image continues: the newest turn delivered or still on its way. Jobs of a
 * conversation run one at a time, so when this edit starts its base (the latest delivered turn) is that turn's
 * first output — unless that job fails, and then the base is an older turn than the link says.
 */
async function latestLiveTurnId(context: EngineContext, conversationId: string): Promise<string | undefined> {
  const jobs = await context.store.listJobsOfConversation(conversationId);
  const live = new Set(jobs.filter((job) => liveStates.has(job.state)).map((job) => job.turnId));
  const turns = await context.store.listTurns(conversationId);
  return turns.findLast((turn) => live.has(turn.id))?.id;
}

const liveStates = new Set<JobState>(['queued', 'running', 'generated', 'delivered']);

/**
 * What the job will send, by action: reroll repeats the turn with a new seed; variations start from the pick.
 * `attachments` holds the images taken from earlier turns; the delivery's own attachments are added once stored.
 */
function jobInputFor(
  inbound: InboundRequest,
  parent: TurnRecord | undefined,
  defaults: Parameters<typeof requestInputFrom>[2],
): JobInput {
  const parameters = parent?.parameters;
  if ((inbound.action === 'reroll' || inbound.action === 'variations') && parent) {
    if (!parameters)
      throw new UserFacingError('not_finished', 'That turn has not finished yet; try again when its image is there.');
    const base = {
      prompt: parameters.prompt,
      model: parameters.model,
      ...(parameters.aspectRatio !== undefined ? { aspectRatio: parameters.aspectRatio } : {}),
      ...(parameters.imageSize !== undefined ? { size: parameters.imageSize } : {}),
      ...(parameters.quality !== undefined ? { quality: parameters.quality } : {}),
      ...(parameters.negativePrompt !== undefined ? { negativePrompt: parameters.negativePrompt } : {}),
      ...(parameters.background !== undefined ? { background: parameters.background } : {}),
      ...(parameters.extend ? { extend: true } : {}),
    };
    if (inbound.action === 'reroll') {
      const mask = parameters.mask ? { mask: true } : {};
      return { ...base, ...mask, count: parameters.count, attachments: [...parent.inputImages] };
    }
    const index = inbound.target?.index ?? 0;
    const picked = parent.outputImages[index];
    if (!picked) throw new UserFacingError('nothing_to_edit', 'That image is not part of this turn.');
    const count = (inbound.options?.count as number | undefined) ?? 4;
    return { ...base, count, attachments: [picked] };
  }
  const input = requestInputFrom(inbound.text, inbound.options, defaults);
  return {
    ...input,
    attachments: [],
    ...(inbound.action === 'edit' && inbound.target
      ? { base: { turnId: inbound.target.turnId, index: inbound.target.index ?? 0 } }
      : {}),
  };
}

/**
 * The requester's quotas (admins exempt), with the server's settings over the operator's defaults: refuses now with
 * a sentence, and returns the guards the store checks again when it writes the reservation.
 */
export async function checkRequesterQuota(
  context: EngineContext,
  requester: Requester,
  units: number,
  server: ServerSettings,
): Promise<QuotaGuard[]> {
  const { platform, workspaceId, memberId } = requester;
  const subject = { platform, workspaceId, memberId, exempt: requester.isAdmin === true };
  const now = context.now();
  await checkQuota(context.store, subject, units, context.settings.quota, server, now);
  return quotaGuards(subject, units, context.settings.quota, server, now);
}

async function storeAttachments(context: EngineContext, images: readonly InputImage[]): Promise<ImageRef[]> {
  const refs: ImageRef[] = [];
  for (const image of images) {
    const hash = await context.blobs.put(image.bytes);
    const size = await context.measure?.(image.bytes);
    refs.push({ hash, mimeType: image.mimeType, byteLength: image.bytes.length, ...(size ?? {}) });
  }
  return refs;
}
