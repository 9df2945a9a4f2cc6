import type { ConversationRecord, JobRecord, Platform, TurnRecord } from '../records.js';
import type { ConversationSummary, JobListQuery } from '../store.js';
import type { Requester, Scope } from './engine-types.js';
import type { UsageFigure } from './usage-report.js';

/** The most rows one list answers: a bound on every list a page or the console asks for. */
export const maxListRows = 200;

/** A conversation's turns, oldest first, each with the job that made it (the latest one, after a retry). */
export interface ConversationThread {
  readonly conversation: ConversationRecord;
  readonly turns: readonly { readonly turn: TurnRecord; readonly job?: JobRecord }[];
}

/** What the operator console filters jobs and usage by; an omitted field does not filter. */
export interface OperatorFilter {
  readonly platform?: Platform;
  readonly workspaceId?: string;
  readonly memberId?: string;
}

/** Usage in the quota's own windows, per member and per server/workspace, with the limits that hold there. */
export interface UsageOverview {
  readonly members: readonly {
    readonly platform: Platform;
    readonly workspaceId: string;
    readonly memberId: string;
    readonly lastHour: UsageFigure;
    readonly lastDay: UsageFigure;
    readonly images: number;
  }[];
  readonly servers: readonly {
    readonly platform: Platform;
    readonly workspaceId: string;
    readonly lastDay: UsageFigure;
  }[];
}

/** Read-only queries for the playground's sidebar (in the caller's scope) and the operator console (across platforms). */
export interface OperatorQueries {
  /** The requester's own conversations on their platform + workspace, most recently updated first. */
  listConversations(requester: Requester, limit: number): Promise<ConversationSummary[]>;
  /** A conversation with its turns and their jobs, when it is in the caller's scope. */
  conversationThread(conversationId: string, scope: Scope): Promise<ConversationThread | undefined>;
  /** The operator's view: jobs of every platform, newest first (at most `maxListRows`). */
  listJobs(query: JobListQuery): Promise<JobRecord[]>;
  /** The operator's view: usage per member and per server against the quotas. */
  usageOverview(filter: OperatorFilter, limit: number): Promise<UsageOverview>;
}
