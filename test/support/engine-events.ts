import type { ConversationEngine } from '../../src/core/engine/conversation-engine.js';
import type { JobEvent } from '../../src/core/jobs/job-events.js';
import { createWaitList, type WaitList } from './wait-list.js';

export type JobEventType = JobEvent['type'];

/** The events that end a job's run (delivery_failed can be followed by a redelivery). */
export const endingEventTypes: readonly JobEventType[] = [
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
  'delivery_failed',
];

export interface EngineEventLog extends WaitList<JobEvent> {
  /** Every event of one job, in order. */
  of(jobId: string): JobEvent[];
  /** The event types of one job, in order (progress events left out unless asked for). */
  typesOf(jobId: string, options?: { progress?: boolean }): JobEventType[];
  count(type: JobEventType, jobId?: string): number;
  /** Resolves with the job's first event of `type`. */
  next<Type extends JobEventType>(
    type: Type,
    jobId?: string,
    timeoutMs?: number,
  ): Promise<Extract<JobEvent, { type: Type }>>;
  /** Resolves with the job's first event among the ending ones (`endingEventTypes`). */
  ending(jobId: string, timeoutMs?: number): Promise<JobEvent>;
  stop(): void;
}

/** Subscribes to an engine's events and keeps them all, with waits on them. */
export function recordEngineEvents(engine: Pick<ConversationEngine, 'onEvent'>): EngineEventLog {
  const list = createWaitList<JobEvent>(
    (event) =>
      `${event.type} ${event.job.id} (${event.job.state})${event.type === 'progress' ? ` ${event.phase}` : ''}`,
  );
  const stop = engine.onEvent((event) => list.push(event));
  const of = (jobId: string) => list.items.filter((event) => event.job.id === jobId);
  return {
    items: list.items,
    push: list.push,
    waitFor: list.waitFor,
    of,
    typesOf: (jobId, options = {}) =>
      of(jobId)
        .filter((event) => options.progress === true || event.type !== 'progress')
        .map((event) => event.type),
    count: (type, jobId) =>
      list.items.filter((event) => event.type === type && (jobId === undefined || event.job.id === jobId)).length,
    next: (type, jobId, timeoutMs) =>
      list.waitFor((event) => event.type === type && (jobId === undefined || event.job.id === jobId), {
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        what: `${type} event${jobId ? ` for job ${jobId}` : ''}`,
      }) as Promise<never>,
    ending: (jobId, timeoutMs) =>
      list.waitFor((event) => event.job.id === jobId && endingEventTypes.includes(event.type), {
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        what: `ending event for job ${jobId}`,
      }),
    stop: () => {
      stop();
    },
  };
}
