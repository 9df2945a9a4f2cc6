import type { InputImage } from '../imagine-request.js';
import { chargedUnits, checkQuota, quotaGuards } from '../jobs/quota.js';
import type { ConversationRecord, JobInput, JobRecord, JobState, ServerSettings, TurnRecord } from '../records.js';
import type { QuotaGuard } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';
import { validateRequest } from '../validate-request.js';
import { blendPrompt, checkBlend } from './blend.js';
import type { BlobLease } from './blob-holds.js';
import { imagineRequestOf } from './build-request.js';
import { refuseBlockedTerms, refuseDisallowedModel, refuseOutsideAllowedChannels } from './channel-rules.js';
import type { EngineContext } from './engine-context.js';
import type { InboundRequest, Requester } from './engine-types.js';
import { imageOnlyPrompt, jobInputFor } from './job-input.js';
import { withNamedMask } from './named-mask.js';
import { type Continuation, resolveContinuation } from './ownership.js';
import { storeImages } from './store-images.js';
import { UpscaleConfirmationNeeded, upscaleInputFor } from './upscale.js';

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
  options: { readonly continuation?: Continuation } & (
    | { readonly dryRun: true }
    // What it stores is held by the lease until the job that refers to it is written.
    | { readonly lease: BlobLease }
  ),
): Promise<PreparedSubmission> {
  const { store, now } = context;
  const { conversation, parent } = options.continuation ?? (await resolveContinuation(context, inbound));
  const [member, server] = await Promise.all([
    store.getMemberSettings(inbound.platform, inbound.workspaceId, inbound.memberId),
    store.getServerSettings(inbound.platform, inbound.workspaceId),
  ]);
  // The workspace's channel rules come first: a thread belongs to the channel its conversation lives in.
  refuseOutsideAllowedChannels(server, conversation?.channelId ?? inbound.channelId);
  const defaultModel = defaultModelOf(context, server);
  if (inbound.action === 'upscale' && !parent) {
    throw new UserFacingError('nothing_to_edit', 'Upscale works on an image: press it under the one you want larger.');
  }
  const upscale =
    inbound.action === 'upscale' && parent
      ? upscaleInputFor(context.catalogue, parent, inbound.target?.index ?? 0)
      : undefined;
  const asked =
    upscale?.input ??
    jobInputFor(inbound, parent, { member, server, conversationModel: conversation?.model }, context.settings);
  // The job keeps a model the workspace chose for it: the runner would otherwise fall back to the operator's.
  const chosen = asked.model === undefined && defaultModel !== context.settings.defaultModel;
  const requested = withNamedMask(chosen ? { ...asked, model: defaultModel } : asked, inbound, {
    catalogue: context.catalogue,
    defaultModel,
  });
  // On the prompt as the model gets it: flags removed (a reroll's is its turn's prompt).
  refuseBlockedTerms(server, requested.prompt);
  const blend = inbound.blend === true;
  if (blend) {
    checkBlend(
      context.catalogue,
      requested.model ?? defaultModel,
      (inbound.attachments?.length ?? 0) + (inbound.files?.length ?? 0),
    );
  }

  // Dry-run validation with the images the job will have, so bad flags are refused now, not after queueing.
  const baseCount = inbound.action === 'edit' ? 1 : 0;
  const placeholder: InputImage = { bytes: new Uint8Array(0), mimeType: 'image/png' };
  // A reroll or variations carries the parent's images already: they count as well (a mask among them too).
  // Files fetched when the job starts count now too.
  const carried = requested.attachments.length + (inbound.files?.length ?? 0);
  const images = [...Array.from({ length: baseCount + carried }, () => placeholder), ...(inbound.attachments ?? [])];
  const prompted = blend && requested.prompt === imageOnlyPrompt ? { ...requested, prompt: blendPrompt } : requested;
  const { request, notices } = validateRequest(imagineRequestOf(prompted, images), {
    catalogue: context.catalogue,
    defaultModel,
    randomSeed: context.randomSeed,
  });
  refuseDisallowedModel(server, request.model.id);
  const units = chargedUnits(request, context.provider.offline);
  // A costly Upscale is shown with its cost first; the member's confirmation comes back as a fresh request.
  if (upscale?.step.needsConfirmation && units > 0 && inbound.confirmed !== true) {
    throw new UpscaleConfirmationNeeded(upscale.step.tier, units / request.count);
  }
  const quota = await checkRequesterQuota(context, inbound, units, server);
  // Stored only once the request is accepted: a refused one leaves no image behind.
  // A dry run (a platform's check before it answers) validates and checks the quota but stores nothing.
  const attachments = 'lease' in options ? await storeImages(context, inbound.attachments ?? [], options.lease) : [];
  const input: JobInput = {
    ...prompted,
    attachments: [...requested.attachments, ...attachments],
    ...(inbound.files && inbound.files.length > 0 ? { files: inbound.files } : {}),
  };
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

/**
 * The model a request that names none gets: the operator's, unless the workspace allows only other models (then the
 * first it allows), so a member who never picks a model is not refused for the operator's choice.
 */
export function defaultModelOf(context: EngineContext, server: ServerSettings): string {
  const fallback = context.settings.defaultModel;
  const allowed = server.allowedModels;
  if (!allowed || allowed.length === 0) return fallback;
  const resolved = context.catalogue.find(fallback)?.id ?? fallback;
  return allowed.includes(resolved) ? fallback : (allowed[0] ?? fallback);
}

const liveStates = new Set<JobState>(['queued', 'running', 'generated', 'delivered']);

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
