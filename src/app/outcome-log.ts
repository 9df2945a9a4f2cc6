import type { ConversationEngine } from '../core/engine/conversation-engine.js';
import { isBilledFailure } from '../core/engine/job-errors.js';
import type { JobEvent } from '../core/jobs/job-events.js';
import { settledUnits } from '../core/jobs/quota.js';
import type { ModelCatalogue } from '../core/models/model-catalogue.js';
import type { JobRecord, JobState, TurnRecord } from '../core/records.js';
import type { Store } from '../core/store.js';
import { isOwnReferenceId } from '../logging/logger.js';

/** The log line's level by outcome: a failure is worth a warning, the rest is the normal record. */
interface OutcomeLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface OutcomeLogOptions {
  readonly engine: Pick<ConversationEngine, 'onEvent'>;
  readonly store: Pick<Store, 'getTurn'>;
  readonly catalogue: ModelCatalogue;
  readonly defaultModel: string;
  readonly logger: OutcomeLogger;
  /** Told of each outcome after it is logged (the metrics count it). */
  readonly onOutcome?: (outcome: JobOutcome) => void;
}

/** One job's ending, as the operator's log line carries it (`msg: "job outcome"`). */
export interface JobOutcome {
  readonly outcome: JobState;
  readonly jobId: string;
  /** What the member was shown to quote ("ref …"), when they were shown one. */
  readonly reference?: string;
  readonly code?: string;
  readonly platform: JobRecord['platform'];
  readonly action: JobRecord['action'];
  readonly model: string;
  /** From the member's request to the outcome. */
  readonly durationMs: number;
  readonly queuedMs?: number;
  /** The gateway's request id(s) (`X-Oneapi-Request-Id`), space-separated when the job made several calls. */
  readonly upstreamRequestId?: string;
  /** What the usage ledger charged for this job. */
  readonly costUnits: number;
}

const endings = new Set<JobEvent['type']>(['succeeded', 'failed', 'cancelled', 'interrupted', 'delivery_failed']);

/**
 * Writes one line per job that ended — delivered, failed, cancelled, interrupted or not posted — from the engine's
 * events, so neither the engine nor a platform logs outcomes itself. Returns the unsubscribe function.
 */
export function logJobOutcomes(options: OutcomeLogOptions): () => void {
  return options.engine.onEvent((event) => {
    if (!endings.has(event.type)) return;
    void describeOutcome(options, event.job).then(
      (outcome) => {
        const failed = outcome.outcome !== 'delivered' && outcome.outcome !== 'cancelled';
        options.logger[failed ? 'warn' : 'info'](outcome, 'job outcome');
        options.onOutcome?.(outcome);
      },
      (error: unknown) => options.logger.error({ err: error, jobId: event.job.id }, 'job outcome not logged'),
    );
  });
}

export async function describeOutcome(options: OutcomeLogOptions, job: JobRecord): Promise<JobOutcome> {
  const turn = await options.store.getTurn(job.turnId);
  const finishedAt = job.finishedAt ?? job.updatedAt;
  const reference = job.error?.referenceId;
  const upstream = upstreamRequestIds(job, turn);
  return {
    outcome: job.state,
    jobId: job.id,
    ...(reference !== undefined ? { reference } : {}),
    ...(job.error ? { code: job.error.code } : {}),
    platform: job.platform,
    action: job.action,
    model: modelOf(options, job, turn),
    durationMs: Math.max(0, finishedAt - job.createdAt),
    ...(job.startedAt !== undefined ? { queuedMs: Math.max(0, job.startedAt - job.createdAt) } : {}),
    ...(upstream.length > 0 ? { upstreamRequestId: upstream.join(' ') } : {}),
    costUnits: chargedUnitsOf(job, turn),
  };
}

/** The model that ran (an edit sibling included), else the one the request named, else the default. */
function modelOf(options: OutcomeLogOptions, job: JobRecord, turn: TurnRecord | undefined): string {
  if (turn?.parameters) return turn.parameters.model;
  const named = job.input.model ?? options.defaultModel;
  return options.catalogue.find(named)?.id ?? named;
}

/**
 * A generated turn keeps its calls' request ids. A failed call's id is the reference the member was shown (the
 * engine quotes the gateway's id when it sent one, and makes its own reference only when it did not).
 */
function upstreamRequestIds(job: JobRecord, turn: TurnRecord | undefined): string[] {
  if (turn && turn.jobId === job.id && turn.upstreamRequestIds.length > 0) return [...turn.upstreamRequestIds];
  const reference = job.error?.referenceId;
  return job.state === 'failed' && reference !== undefined && !isOwnReferenceId(reference) ? [reference] : [];
}

/** As the engine settles the usage ledger: per image made, the call's cost when billed, nothing before a call. */
function chargedUnitsOf(job: JobRecord, turn: TurnRecord | undefined): number {
  switch (job.state) {
    case 'delivered':
    case 'delivery_failed': {
      const requested = turn?.parameters?.count ?? job.input.count ?? 1;
      return settledUnits(job.costUnits, requested, turn?.outputImages.length ?? requested);
    }
    case 'failed':
      return job.error && isBilledFailure(job.error.code) ? job.costUnits : 0;
    case 'cancelled':
      return job.startedAt !== undefined ? job.costUnits : 0;
    default:
      return job.costUnits;
  }
}
