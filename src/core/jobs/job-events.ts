import type { JobError, JobRecord } from '../records.js';

/** What platforms subscribe to. Events carry ids and plain records, never platform objects. */
export type JobEvent =
  | {
      readonly type: 'queued';
      readonly job: JobRecord;
      readonly position: number;
      /** What validation said about the request, for its status message (a new submission only). */
      readonly notices?: readonly string[];
    }
  | { readonly type: 'started'; readonly job: JobRecord }
  | { readonly type: 'progress'; readonly job: JobRecord; readonly phase: 'generating' | 'storing' | 'delivering' }
  | { readonly type: 'succeeded'; readonly job: JobRecord }
  | { readonly type: 'failed'; readonly job: JobRecord; readonly error: JobError }
  | { readonly type: 'cancelled'; readonly job: JobRecord }
  | { readonly type: 'interrupted'; readonly job: JobRecord }
  | { readonly type: 'delivery_failed'; readonly job: JobRecord; readonly error: JobError };

export type JobEventListener = (event: JobEvent) => void;

/** A small synchronous emitter: a listener that throws is reported, never breaks the job. */
export class JobEvents {
  private readonly listeners = new Set<JobEventListener>();
  constructor(private readonly onListenerError: (error: unknown, event: JobEvent) => void) {}

  on(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
