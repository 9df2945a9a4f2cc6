import type { InboundRequest, Requester, Scope, SubmitResult } from '../engine/engine-types.js';
import type { SettingsChange, SettingsReport, SettingsScope } from '../engine/member-settings.js';
import type { OperatorQueries } from '../engine/operator-types.js';
import type { UsageReport } from '../engine/usage-report.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type {
  ConversationLocation,
  ConversationRecord,
  DeliveryTarget,
  ImageRef,
  JobRecord,
  Platform,
  TurnRecord,
} from '../records.js';
import type { MessageLink } from '../store.js';

/** One of a member's results, as a list of them shows it (App Home). */
export interface RecentResult {
  readonly jobId: string;
  readonly turnId: string;
  readonly conversationId: string;
  /** What the member typed for that turn. */
  readonly instruction: string;
  readonly model?: string;
  readonly images: number;
  /** Where it lives: the conversation's channel and thread (the root message's id where the thread is its reply). */
  readonly channelId: string;
  readonly threadId?: string;
  readonly finishedAt?: number;
}

/**
 * What a platform may ask of the engine: the only way it reaches conversations, jobs, settings and usage (never the
 * store). Everything that names an existing record takes the caller's scope and answers for a record outside it
 * exactly as for one that does not exist. The operator queries (`listJobs`, `usageOverview`) read across platforms:
 * a platform serves them only to its operator (the playground's console, behind its token rule).
 */
export interface PlatformEngine extends OperatorQueries {
  /** The models the operator configured, and the default one. */
  readonly catalogue: ModelCatalogue;
  readonly defaultModel: string;
  /**
   * Validates, records (idempotently) and queues a delivery. Bad input throws a UserFacingError and makes no job; a
   * conversation or target turn outside the requester's scope is refused as expired.
   */
  submit(inbound: InboundRequest): Promise<SubmitResult>;
  /**
   * What `submit` would refuse (flags, model, quota), checked without writing anything: platforms call it before
   * they acknowledge, so a bad request gets an ephemeral answer and makes no job. Attachments may be placeholders.
   */
  precheck(inbound: InboundRequest): Promise<{ readonly notices: readonly string[]; readonly duplicate?: boolean }>;
  /** Runs a failed or interrupted job's turn again as a new job on the requester's platform (the member asked). */
  retry(jobId: string, requester: Requester, idempotencyKey: string, delivery?: DeliveryTarget): Promise<SubmitResult>;
  /**
   * Delivers a `generated` or `delivery_failed` job again from stored bytes: never generates again. `fresh` ids are
   * merged into the job's delivery target first (any state): a new interaction token, say.
   */
  redeliver(jobId: string, scope: Scope, fresh?: DeliveryTarget): Promise<JobRecord | undefined>;
  /** A queued job leaves the queue (nothing billed); a running one has its upstream call aborted. */
  cancel(jobId: string, requester: Requester): Promise<JobRecord>;
  /** Deletes a turn and its stored images; resolves to the platform messages to delete. */
  deleteTurn(turnId: string, requester: Requester): Promise<MessageLink[]>;
  /** The conversation at a place (its scope is the location's platform and workspace). */
  findConversation(location: ConversationLocation): Promise<ConversationRecord | undefined>;
  getConversation(conversationId: string, scope: Scope): Promise<ConversationRecord | undefined>;
  findMessage(platform: Platform, channelId: string, messageId: string): Promise<MessageLink | undefined>;
  /** Maps a message the platform posted (or a file, an attachment) to the turn and output it shows. */
  linkMessage(link: MessageLink): Promise<void>;
  /** Where a conversation turned out to live (the thread its first result started). */
  updateConversation(id: string, patch: { threadId?: string; rootMessageId?: string }): Promise<void>;
  getJob(jobId: string, scope: Scope): Promise<JobRecord | undefined>;
  getTurn(turnId: string, scope: Scope): Promise<TurnRecord | undefined>;
  /** The turn's place in its conversation, from 1. */
  turnNumber(turnId: string, scope: Scope): Promise<number | undefined>;
  /** One stored output of a turn (index from 0) with its bytes. */
  readOutput(turnId: string, index: number, scope: Scope): Promise<{ ref: ImageRef; bytes: Uint8Array } | undefined>;
  /** 1-based place among waiting jobs, 0 while running, undefined when unknown. */
  position(jobId: string): number | undefined;
  /** The requester's own delivered results in their workspace, newest first (at most 20). */
  recentResults(requester: Requester, limit: number): Promise<readonly RecentResult[]>;
  /** The requester's usage in the quota windows, with the limits that apply to them. */
  usage(requester: Requester): Promise<UsageReport>;
  settings(requester: Requester): Promise<SettingsReport>;
  /** Validates and saves a change (`workspace` needs an admin); resolves to the settings as saved. */
  changeSettings(requester: Requester, scope: SettingsScope, change: SettingsChange): Promise<SettingsReport>;
}
