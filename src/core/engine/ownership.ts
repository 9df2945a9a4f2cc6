import type { ConversationRecord, JobRecord, TurnRecord } from '../records.js';
import { UserFacingError } from '../user-facing-error.js';
import type { EngineContext } from './engine-context.js';
import type { InboundRequest, Scope } from './engine-types.js';
import { conversationExpired } from './job-errors.js';

/*
 * Ownership is the core's rule, not each platform's: a job, turn, output or conversation exists for a caller only
 * within the caller's platform and workspace, and a turn only within its own conversation. Anything else is answered
 * exactly as a missing id is, so an id seen in one place (a button value, a custom id) confirms nothing elsewhere.
 */

export function inScope(record: Scope, scope: Scope): boolean {
  return record.platform === scope.platform && record.workspaceId === scope.workspaceId;
}

export async function ownedJob(context: EngineContext, jobId: string, scope: Scope): Promise<JobRecord | undefined> {
  const job = await context.store.getJob(jobId);
  return job && inScope(job, scope) ? job : undefined;
}

export async function ownedConversation(
  context: EngineContext,
  conversationId: string,
  scope: Scope,
): Promise<ConversationRecord | undefined> {
  const conversation = await context.store.getConversation(conversationId);
  return conversation && inScope(conversation, scope) ? conversation : undefined;
}

/** A turn and its conversation, when that conversation is the caller's. */
export async function ownedTurn(
  context: EngineContext,
  turnId: string,
  scope: Scope,
): Promise<{ turn: TurnRecord; conversation: ConversationRecord } | undefined> {
  const turn = await context.store.getTurn(turnId);
  if (!turn) return undefined;
  const conversation = await ownedConversation(context, turn.conversationId, scope);
  return conversation ? { turn, conversation } : undefined;
}

/** What a button or a reply that names a turn gets when the turn is gone (or not the caller's). */
export function imageGone(): UserFacingError {
  return new UserFacingError(
    'conversation_expired',
    'That image is no longer stored (the conversation expired or it was deleted).',
  );
}

/** What `retry`, `cancel` and `redeliver` answer for a job that is gone, or not the caller's. */
export function jobMissing(): UserFacingError {
  return new UserFacingError('job_missing', 'That request is no longer stored.');
}

export async function requireOwnedJob(context: EngineContext, jobId: string, scope: Scope): Promise<JobRecord> {
  const job = await ownedJob(context, jobId, scope);
  if (!job) throw jobMissing();
  return job;
}

/** What a delivery continues, checked: the conversation (named, or the target turn's) and the turn it acts on. */
export interface Continuation {
  readonly conversation?: ConversationRecord;
  readonly parent?: TurnRecord;
}

/**
 * The conversation a delivery names and the turn it targets, both within the requester's scope, the turn inside
 * that conversation. A target without a conversation continues the target's own conversation.
 */
export async function resolveContinuation(context: EngineContext, inbound: InboundRequest): Promise<Continuation> {
  const named = inbound.conversationId ? await ownedConversation(context, inbound.conversationId, inbound) : undefined;
  if (inbound.conversationId && !named) throw conversationExpired();
  if (!inbound.target) return named ? { conversation: named } : {};
  const target = await ownedTurn(context, inbound.target.turnId, inbound);
  if (!target || (named && target.conversation.id !== named.id)) throw imageGone();
  return { conversation: target.conversation, parent: target.turn };
}
