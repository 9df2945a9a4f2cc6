import type { ImageProviderErrorCode } from './image-provider-error.js';
import type { UserFacingCode } from './user-facing-error.js';

/**
 * The persisted records of conversations and jobs: plain serializable data (no closures, no platform objects),
 * so a job can be resumed after a restart or, later, run by another process.
 */

export type Platform = 'discord' | 'slack' | 'local';

/** A stored image: bytes live in the blob store under `hash` (sha256 hex of the bytes). */
export interface ImageRef {
  readonly hash: string;
  readonly mimeType: string;
  readonly byteLength: number;
  readonly width?: number;
  readonly height?: number;
  /** The seed that made it, when the model took one. */
  readonly seed?: number;
}

/** Where a conversation lives on its platform. `threadId`/`rootMessageId` may be filled in after creation. */
export interface ConversationLocation {
  readonly platform: Platform;
  /** Discord guild id, Slack team id; '' for DMs and the local playground. */
  readonly workspaceId: string;
  readonly channelId: string;
  readonly threadId?: string;
  readonly rootMessageId?: string;
}

export interface ConversationRecord extends ConversationLocation {
  readonly id: string;
  readonly ownerId: string;
  readonly model: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type TurnAction = 'imagine' | 'edit' | 'reroll' | 'variations' | 'upscale' | 'retry';

/** The exact, reproducible parameters of one generation (wire values, after validation). */
export interface TurnParameters {
  readonly model: string;
  readonly prompt: string;
  readonly count: number;
  readonly seed?: number;
  readonly negativePrompt?: string;
  readonly quality?: string;
  readonly aspectRatio?: string;
  readonly size?: string;
  readonly imageSize?: string;
  readonly tier: string;
  readonly background?: string;
  readonly extend?: boolean;
  /** The last input image was an inpainting mask: a reroll sends it as one again. */
  readonly mask?: boolean;
}

export interface TurnRecord {
  readonly id: string;
  readonly conversationId: string;
  readonly parentTurnId?: string;
  readonly authorId: string;
  readonly action: TurnAction;
  /** What the member typed (the prompt for /imagine, the instruction for an edit). */
  readonly instruction: string;
  /** Filled when the job starts (edits resolve their base image then). */
  readonly parameters?: TurnParameters;
  readonly inputImages: readonly ImageRef[];
  readonly outputImages: readonly ImageRef[];
  readonly jobId: string;
  readonly upstreamRequestIds: readonly string[];
  /** Dialect-specific continuation state (Gemini thought signatures), opaque to the core. */
  readonly providerState?: unknown;
  readonly notices: readonly string[];
  readonly createdAt: number;
}

export type JobState =
  | 'queued'
  | 'running'
  | 'generated'
  | 'delivered'
  | 'delivery_failed'
  | 'failed'
  | 'cancelled'
  | 'interrupted';

/** Every job state, in the order a job moves through them. */
export const jobStates: readonly JobState[] = [
  'queued',
  'running',
  'generated',
  'delivered',
  'delivery_failed',
  'failed',
  'cancelled',
  'interrupted',
];

export const finalJobStates: readonly JobState[] = [
  'delivered',
  'delivery_failed',
  'failed',
  'cancelled',
  'interrupted',
];

/** What the member asked for, as stored: enough to validate and run again after a restart. */
export interface JobInput {
  readonly prompt: string;
  readonly model?: string;
  readonly aspectRatio?: string;
  readonly size?: string;
  readonly quality?: string;
  readonly count?: number;
  readonly seed?: number;
  readonly negativePrompt?: string;
  readonly background?: string;
  readonly extend?: boolean;
  /** The last attachment is an inpainting mask (the `--mask` flag, or an attachment named as one). */
  readonly mask?: boolean;
  /** New reference images that came with the request (attachments), already stored. */
  readonly attachments: readonly ImageRef[];
  /**
   * Files the request shared that are downloaded when the job starts, by the platform (Slack: a listener has 3 s);
   * they join `attachments` for that run and the turn's input images.
   */
  readonly files?: readonly FileReference[];
  /** For edits/variations: the picked output (`turnId` + index) the edit starts from; else the latest turn's first. */
  readonly base?: { readonly turnId: string; readonly index: number };
}

/**
 * A file shared with a request, as the platform's ids (read back with its own schema); no bytes, no token. `name` is
 * the file's name as the member sees it, when the platform has one (a file named as a mask is one).
 */
export type FileReference = Readonly<Record<string, string>>;

/** Platform-specific delivery target: ids and tokens only (channel, message, interaction token + expiry). */
export type DeliveryTarget = Readonly<Record<string, string | number | boolean | null>>;

/** Why a job failed: a condition the member was told about, a provider's failure, or neither (`internal`). */
export type JobErrorCode = UserFacingCode | ImageProviderErrorCode | 'internal' | 'interrupted';

export interface JobError {
  readonly code: JobErrorCode;
  /** The member-facing sentence. */
  readonly message: string;
  readonly referenceId?: string;
  readonly retryable?: boolean;
}

export interface JobRecord {
  readonly id: string;
  readonly conversationId: string;
  readonly turnId: string;
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly memberId: string;
  readonly action: TurnAction;
  readonly state: JobState;
  readonly input: JobInput;
  readonly delivery: DeliveryTarget;
  readonly idempotencyKey?: string;
  readonly costUnits: number;
  readonly error?: JobError;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly updatedAt: number;
}

export interface MemberSettings {
  readonly defaultModel?: string;
  readonly aspectRatio?: string;
  readonly quality?: string;
}

export interface ServerSettings extends MemberSettings {
  /** Cost units; undefined = the operator's default from the environment. */
  readonly quotaMemberPerHour?: number;
  readonly quotaMemberPerDay?: number;
  readonly quotaServerPerDay?: number;
  /** Channel rules (`engine/channel-rules.ts`): the channels the bot answers in; undefined = every channel. */
  readonly allowedChannels?: readonly string[];
  /** Words or phrases a prompt may not contain (matched case- and accent-insensitively, as whole words). */
  readonly blockedTerms?: readonly string[];
  /** Model ids members may use here; undefined = every model of the catalogue. */
  readonly allowedModels?: readonly string[];
}

export type UsageOutcome = 'reserved' | 'succeeded' | 'failed' | 'refused' | 'timeout' | 'cancelled';

/** One row per upstream call (or reservation for one): what quotas and /usage read. */
export interface UsageRecord {
  readonly id: string;
  readonly at: number;
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly memberId: string;
  readonly model: string;
  readonly tier: string;
  readonly count: number;
  readonly outcome: UsageOutcome;
  readonly costUnits: number;
  readonly jobId: string;
}
