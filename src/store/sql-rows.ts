import type {
  ConversationRecord,
  ImageRef,
  JobRecord,
  JobState,
  Platform,
  TurnAction,
  TurnRecord,
  UsageOutcome,
  UsageRecord,
} from '../core/records.js';
import type { MessageLink } from '../core/store.js';

/*
 * Rows as both engines return them (PostgreSQL BIGINT read as numbers), and their mapping to records: NULL columns
 * become absent fields.
 */

export interface ConversationRow {
  id: string;
  platform: Platform;
  workspace_id: string;
  channel_id: string;
  thread_id: string | null;
  root_message_id: string | null;
  owner_id: string;
  model: string;
  created_at: number;
  updated_at: number;
}

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    platform: row.platform,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    ...(row.thread_id !== null && { threadId: row.thread_id }),
    ...(row.root_message_id !== null && { rootMessageId: row.root_message_id }),
    ownerId: row.owner_id,
    model: row.model,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface TurnRow {
  id: string;
  conversation_id: string;
  parent_turn_id: string | null;
  author_id: string;
  action: TurnAction;
  instruction: string;
  parameters: string | null;
  input_images: string;
  output_images: string;
  job_id: string;
  upstream_request_ids: string;
  provider_state: string | null;
  notices: string;
  created_at: number;
}

export function toTurn(row: TurnRow): TurnRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    ...(row.parent_turn_id !== null && { parentTurnId: row.parent_turn_id }),
    authorId: row.author_id,
    action: row.action,
    instruction: row.instruction,
    ...(row.parameters !== null && { parameters: JSON.parse(row.parameters) }),
    inputImages: JSON.parse(row.input_images) as ImageRef[],
    outputImages: JSON.parse(row.output_images) as ImageRef[],
    jobId: row.job_id,
    upstreamRequestIds: JSON.parse(row.upstream_request_ids) as string[],
    ...(row.provider_state !== null && { providerState: JSON.parse(row.provider_state) as unknown }),
    notices: JSON.parse(row.notices) as string[],
    createdAt: row.created_at,
  };
}

export interface JobRow {
  id: string;
  conversation_id: string;
  turn_id: string;
  platform: Platform;
  workspace_id: string;
  member_id: string;
  action: TurnAction;
  state: JobState;
  input: string;
  delivery: string;
  idempotency_key: string | null;
  cost_units: number;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    turnId: row.turn_id,
    platform: row.platform,
    workspaceId: row.workspace_id,
    memberId: row.member_id,
    action: row.action,
    state: row.state,
    input: JSON.parse(row.input),
    delivery: JSON.parse(row.delivery),
    ...(row.idempotency_key !== null && { idempotencyKey: row.idempotency_key }),
    costUnits: row.cost_units,
    ...(row.error !== null && { error: JSON.parse(row.error) }),
    createdAt: row.created_at,
    ...(row.started_at !== null && { startedAt: row.started_at }),
    ...(row.finished_at !== null && { finishedAt: row.finished_at }),
    updatedAt: row.updated_at,
  };
}

export interface MessageLinkRow {
  platform: Platform;
  workspace_id: string;
  channel_id: string;
  message_id: string;
  conversation_id: string;
  turn_id: string;
  output_index: number | null;
}

export function toMessageLink(row: MessageLinkRow): MessageLink {
  return {
    platform: row.platform,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    messageId: row.message_id,
    conversationId: row.conversation_id,
    turnId: row.turn_id,
    ...(row.output_index !== null && { outputIndex: row.output_index }),
  };
}

export interface UsageRow {
  id: string;
  at: number;
  platform: Platform;
  workspace_id: string;
  member_id: string;
  model: string;
  tier: string;
  count: number;
  outcome: UsageOutcome;
  cost_units: number;
  job_id: string;
}

export function toUsage(row: UsageRow): UsageRecord {
  return {
    id: row.id,
    at: row.at,
    platform: row.platform,
    workspaceId: row.workspace_id,
    memberId: row.member_id,
    model: row.model,
    tier: row.tier,
    count: row.count,
    outcome: row.outcome,
    costUnits: row.cost_units,
    jobId: row.job_id,
  };
}

/** A JSON column value: `undefined` and `null` are stored as SQL NULL. */
export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** For `CASE WHEN @setX = 1 THEN @x ELSE x END`: whether a patch writes a field (`null` writes NULL, `undefined` keeps). */
export function isSet(value: unknown): 0 | 1 {
  return value === undefined ? 0 : 1;
}
