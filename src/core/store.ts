import type {
  ConversationLocation,
  ConversationRecord,
  ImageRef,
  JobError,
  JobRecord,
  JobState,
  MemberSettings,
  Platform,
  ServerSettings,
  TurnAction,
  TurnParameters,
  TurnRecord,
  UsageOutcome,
  UsageRecord,
} from './records.js';
import { UserFacingError } from './user-facing-error.js';

/*
 * Patches: a field left out (or `undefined`) is kept; `null` clears it. Every update resolves to the record as
 * stored afterwards, or `undefined` when there is no such record (deleted by retention or a Delete meanwhile).
 */

export interface ConversationPatch {
  readonly threadId?: string | null;
  readonly rootMessageId?: string | null;
  readonly model?: string;
  readonly updatedAt: number;
}

export interface TurnPatch {
  readonly parameters?: TurnParameters | null;
  readonly inputImages?: readonly ImageRef[];
  readonly outputImages?: readonly ImageRef[];
  readonly upstreamRequestIds?: readonly string[];
  readonly providerState?: unknown;
  readonly notices?: readonly string[];
  /** A retry runs a new job for the same turn. */
  readonly jobId?: string;
}

export interface JobPatch {
  readonly state?: JobState;
  readonly startedAt?: number | null;
  readonly finishedAt?: number | null;
  readonly error?: JobError | null;
  readonly delivery?: JobRecord['delivery'];
  readonly costUnits?: number;
  readonly updatedAt: number;
}

export interface JobUpdateOptions {
  /** Compare-and-set: apply only while the job is in one of these states (a cancel racing a start). */
  readonly ifStateIn?: readonly JobState[];
}

/** A platform message the bot posted (or answered), mapped to the turn it shows. */
export interface MessageLink {
  readonly platform: Platform;
  readonly workspaceId: string;
  /** The channel the message is in (on Discord, a message inside a thread is in the thread's channel). */
  readonly channelId: string;
  readonly messageId: string;
  readonly conversationId: string;
  readonly turnId: string;
  /** Set when the message shows one output of the turn. */
  readonly outputIndex?: number;
}

/** A rolling window that must have room for a new reservation: checked in the transaction that writes it. */
export interface QuotaGuard {
  /** The usage that counts (rows with `at >= since`, `cancelled` excluded). */
  readonly query: UsageQuery;
  /** Most cost units the window may hold, the new reservation included. */
  readonly limit: number;
}

/**
 * The records a job starts with, written together with its idempotency key in one transaction, with the checks
 * that must hold across processes (a pending duplicate, the quota) made inside it.
 */
export interface NewJobRecords {
  /** The conversation the job opens (/imagine), when it is new. */
  readonly conversation?: ConversationRecord;
  /** The turn the job produces, when it is new (a retry reuses its turn). */
  readonly turn?: TurnRecord;
  readonly job: JobRecord;
  /** The job's usage reservation (outcome `reserved`). */
  readonly reservation?: UsageRecord;
  /**
   * A `queued` or `running` job of this member and action about this turn (see `findPendingJob`) makes the new job
   * a duplicate of it: nothing is written.
   */
  readonly unlessPending?: { readonly memberId: string; readonly turnId: string; readonly action: TurnAction };
  /** Windows that must have room for `reservation.costUnits`; the first without room refuses the job. */
  readonly quota?: readonly QuotaGuard[];
  /** A retry: its existing turn is pointed at the new job. */
  readonly retryTurnId?: string;
  /** An existing conversation the job continues: its `updatedAt` becomes the job's `createdAt`. */
  readonly touchConversationId?: string;
}

export type IdempotencyClaim = { readonly claimed: true } | { readonly claimed: false; readonly jobId: string };

export type CreateJobResult =
  | { readonly created: true; readonly jobId: string }
  /** The key was claimed before (`duplicate`), or a pending job already does this (`pending`): that job's id. */
  | { readonly created: false; readonly reason: 'duplicate' | 'pending'; readonly jobId: string }
  /** A quota guard had no room: nothing was written. */
  | { readonly created: false; readonly reason: 'quota'; readonly guard: QuotaGuard };

export type SettingsPatch<T> = { readonly [K in keyof T]?: T[K] | null };

export interface ActiveJobCount {
  readonly platform: Platform;
  readonly state: 'queued' | 'running';
  readonly count: number;
}

export interface UsageQuery {
  readonly platform: Platform;
  readonly workspaceId: string;
  /** Omitted: the whole server/workspace. */
  readonly memberId?: string;
  /** Rows with `at >= since` count. */
  readonly since: number;
}

export interface UsageSummaryRow {
  readonly model: string;
  /** Images delivered by successful calls. */
  readonly images: number;
  /** Upstream calls (reserved or settled, cancelled ones excluded). */
  readonly calls: number;
  /** Cost units charged (every outcome except cancelled; reservations count at their reserved cost). */
  readonly units: number;
}

/** A conversation as a list shows it: its first turn's instruction as the title, and how many turns it has. */
export interface ConversationSummary {
  readonly conversation: ConversationRecord;
  readonly title: string;
  readonly turns: number;
}

/** One member's conversations on one platform + workspace, most recently updated first. */
export interface ConversationListQuery {
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly ownerId: string;
  readonly limit: number;
}

/** Jobs across platforms for the operator, newest first; an omitted field does not filter. */
export interface JobListQuery {
  readonly platform?: Platform;
  readonly workspaceId?: string;
  readonly memberId?: string;
  readonly states?: readonly JobState[];
  readonly limit: number;
}

/** Usage since `since` per member, across platforms (an omitted field does not filter), most units first. */
export interface MemberUsageQuery {
  readonly since: number;
  readonly platform?: Platform;
  readonly workspaceId?: string;
  readonly memberId?: string;
  readonly limit: number;
}

export interface MemberUsageRow {
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly memberId: string;
  /** Cost units charged (every outcome except cancelled). */
  readonly units: number;
  /** Images delivered by successful calls. */
  readonly images: number;
  readonly calls: number;
}

export interface DeleteResult {
  /** Blob hashes no remaining turn or job references: the caller deletes them from the blob store. */
  readonly orphanedHashes: string[];
}

export interface ExpiredDeleteResult extends DeleteResult {
  readonly conversations: number;
}

/**
 * Conversations, turns, jobs, settings and the usage ledger. Implementations: SQLite (`createSqliteStore`, the
 * default) and PostgreSQL (`openPostgresStore`), shared by several processes; hence every method is async. Records go in and come out as plain data; the store
 * generates no ids and reads no clock for the records it is given.
 */
export interface Store {
  createConversation(conversation: ConversationRecord): Promise<void>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /**
   * The conversation at a thread id or a root message id within one platform + workspace + channel (a Slack `ts`
   * is unique only per channel). Either id matches either column — a Slack `thread_ts` and a Discord thread started
   * from a message carry the root message's id — the thread id first; the most recently updated match wins.
   */
  findConversationByLocation(location: ConversationLocation): Promise<ConversationRecord | undefined>;
  /** Does not touch turns; callers bump `updatedAt` on every activity (retention reads it). */
  updateConversation(id: string, patch: ConversationPatch): Promise<ConversationRecord | undefined>;
  /** Removes its turns, jobs and message links too. */
  deleteConversation(id: string): Promise<DeleteResult & { readonly deleted: boolean }>;

  createTurn(turn: TurnRecord): Promise<void>;
  getTurn(id: string): Promise<TurnRecord | undefined>;
  updateTurn(id: string, patch: TurnPatch): Promise<TurnRecord | undefined>;
  /** Oldest first. */
  listTurns(conversationId: string): Promise<TurnRecord[]>;
  /** The newest turn whose job is `generated` or `delivered` and which has at least one output: the base of an edit. */
  latestDeliveredTurn(conversationId: string): Promise<TurnRecord | undefined>;
  /** Removes its jobs and message links; its children keep existing with no parent. */
  deleteTurn(id: string): Promise<DeleteResult & { readonly deleted: boolean }>;

  /** Maps a message to its turn; linking the same message again replaces the link. */
  linkMessage(link: MessageLink): Promise<void>;
  findMessage(platform: Platform, channelId: string, messageId: string): Promise<MessageLink | undefined>;
  listMessagesOfTurn(turnId: string): Promise<MessageLink[]>;

  /** Without an idempotency key (prefer `createJobWithKey` for anything a platform delivered). The turn must exist. */
  createJob(job: JobRecord): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  updateJob(id: string, patch: JobPatch, options?: JobUpdateOptions): Promise<JobRecord | undefined>;
  /**
   * Merges delivery ids into the job's stored `delivery` in one transaction (fields in `delivery` win; `null`
   * clears one), so two writers (a status message posted late, a delivery returning its ids) never lose each other's.
   */
  mergeJobDelivery(id: string, delivery: JobRecord['delivery'], updatedAt: number): Promise<JobRecord | undefined>;
  /** Both in one transaction: outputs stored and the job `generated`, or neither. */
  updateTurnAndJob(
    turn: { readonly id: string; readonly patch: TurnPatch },
    job: { readonly id: string; readonly patch: JobPatch; readonly options?: JobUpdateOptions },
  ): Promise<{ turn: TurnRecord | undefined; job: JobRecord | undefined }>;
  /** Oldest first (`createdAt`). */
  listJobsByState(states: readonly JobState[]): Promise<JobRecord[]>;
  /**
   * A `queued` or `running` job of this member and action about this turn — the job's own turn or one whose parent
   * it is (a Reroll's new turn hangs under the rerolled one) — so a double-click is not queued twice.
   */
  findPendingJob(memberId: string, turnId: string, action: TurnAction): Promise<JobRecord | undefined>;
  /** Oldest first. */
  listJobsOfConversation(conversationId: string): Promise<JobRecord[]>;
  /** A member's delivered jobs in one workspace, newest first, at most `limit` (found through their usage rows). */
  listRecentDeliveredJobs(query: {
    readonly platform: Platform;
    readonly workspaceId: string;
    readonly memberId: string;
    readonly limit: number;
  }): Promise<JobRecord[]>;
  /** Jobs of any platform, newest first, filtered (the operator console). */
  listJobs(query: JobListQuery): Promise<JobRecord[]>;
  /** A member's conversations, most recently updated first, with their titles (the playground's sidebar). */
  listConversations(query: ConversationListQuery): Promise<ConversationSummary[]>;

  /**
   * Records `key` for `jobId` unless it is already recorded; keys outlive their jobs' completion (they are pruned
   * by `deleteExpired` only once their job is gone).
   */
  claimIdempotencyKey(key: string, jobId: string, now: number): Promise<IdempotencyClaim>;
  /** The job that claimed `key`, if any (read-only: a repeated delivery is answered before it is validated again). */
  findIdempotencyKey(key: string): Promise<string | undefined>;
  /**
   * Atomically claims `key` and writes the conversation, turn, job and usage reservation; when the key was seen
   * before, a pending job already does the same, or a quota guard has no room, writes nothing and says why (with the
   * job that claimed the key or is pending, whatever state it is in now). The checks and the writes are one
   * transaction, so they hold across processes sharing the store. The job is stored with `key` as its idempotency
   * key; `job.createdAt` is the claim time.
   */
  createJobWithKey(key: string, records: NewJobRecords): Promise<CreateJobResult>;

  /** `{}` when nothing is set. */
  getMemberSettings(platform: Platform, workspaceId: string, memberId: string): Promise<MemberSettings>;
  /** Merges `patch` into the stored settings (`null` clears a field); resolves to the settings as stored. */
  setMemberSettings(
    platform: Platform,
    workspaceId: string,
    memberId: string,
    patch: SettingsPatch<MemberSettings>,
  ): Promise<MemberSettings>;
  getServerSettings(platform: Platform, workspaceId: string): Promise<ServerSettings>;
  setServerSettings(
    platform: Platform,
    workspaceId: string,
    patch: SettingsPatch<ServerSettings>,
  ): Promise<ServerSettings>;

  /** A reservation (normally outcome `reserved`), written when the job is queued. */
  recordUsage(record: UsageRecord): Promise<void>;
  /** The call's outcome and final cost; `count` when fewer images came back than were reserved. */
  settleUsage(id: string, outcome: UsageOutcome, costUnits: number, count?: number): Promise<UsageRecord | undefined>;
  /** Cost units of every row in the window, whatever its outcome except `cancelled`. */
  sumUsage(query: UsageQuery): Promise<number>;
  /**
   * When `units` fall out of a rolling window: the `at` of the oldest row (from `since`, `cancelled` excluded) at
   * which the running total of cost units reaches `units`; `undefined` if the window holds fewer. A window of
   * length W has room again at `result + W`.
   */
  usageReleaseAt(query: UsageQuery & { readonly units: number }): Promise<number | undefined>;
  /** Per model, by model name (for /usage). */
  usageSummary(query: UsageQuery): Promise<UsageSummaryRow[]>;
  /** Per member across platforms, most units first (the operator console). */
  usageByMember(query: MemberUsageQuery): Promise<MemberUsageRow[]>;

  /**
   * Deletes conversations not updated since `before` (with their turns, jobs and message links), except those
   * with a job still queued, running or generated; prunes idempotency keys older than `before` whose job is gone.
   */
  deleteExpired(before: number): Promise<ExpiredDeleteResult>;
  /** Whether any turn (input or output) or job (attachment) still refers to this blob. */
  isHashReferenced(hash: string): Promise<boolean>;
  /** Every blob hash a turn or job refers to (for a sweep of blobs nothing refers to). */
  referencedHashes(): Promise<Set<string>>;

  /** Jobs `queued` and `running` now, counted per platform and state (the queue's depth, across processes). */
  countActiveJobs(): Promise<ActiveJobCount[]>;
  /**
   * Makes a write that changes nothing (a row rewritten as it is) and commits it: rejects when the store cannot
   * write (a full disk, a read-only database, a lost connection). `/healthz` asks it.
   */
  checkWritable(): Promise<void>;

  /** Idempotent. */
  close(): Promise<void>;
}

/**
 * Image bytes by content: the key is the sha256 hex of the bytes. Implementations: files under `DATA_DIR`
 * (`createFileBlobStore`), or PostgreSQL `bytea` beside the PostgreSQL store (`createPostgresBlobStore`).
 */
export interface BlobStore {
  /** Stores the bytes (a no-op when they are stored already) and resolves to their sha256 hex. */
  put(bytes: Uint8Array): Promise<string>;
  /** Rejects with `BlobMissingError` or `BlobCorruptError` (the bytes are checked against the hash). */
  get(hash: string): Promise<Uint8Array>;
  has(hash: string): Promise<boolean>;
  /** Deleting a missing blob is not an error. */
  delete(hash: string): Promise<void>;
  /**
   * Every stored blob, in no particular order, with when it was stored (epoch ms): a sweep of blobs no record refers
   * to spares recent ones, which a request in flight may be about to refer to.
   */
  list(): AsyncIterable<StoredBlob>;
}

export interface StoredBlob {
  readonly hash: string;
  readonly storedAt: number;
}

const blobHashPattern = /^[0-9a-f]{64}$/;

/** A sha256 hex string (lowercase), as `BlobStore.put` returns. */
export function isBlobHash(value: string): boolean {
  return blobHashPattern.test(value);
}

function shortHash(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}

/** The image a conversation needs is gone (expired, or deleted by hand). */
export class BlobMissingError extends UserFacingError {
  override readonly name = 'BlobMissingError';
  constructor(
    readonly hash: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      'image_missing',
      `the stored image ${shortHash(hash)} is missing; this conversation may have expired`,
      options,
    );
  }
}

/** The stored bytes no longer match their hash (a torn write, a damaged disk, a hand edit). */
export class BlobCorruptError extends UserFacingError {
  override readonly name = 'BlobCorruptError';
  constructor(
    readonly hash: string,
    readonly actualHash: string,
  ) {
    super(
      'image_corrupt',
      `the stored image ${shortHash(hash)} is corrupt (its bytes no longer match its hash); attach the image again or start a new conversation`,
    );
  }
}
