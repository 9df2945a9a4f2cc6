import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logging/logger.js';

/**
 * Work that runs after a listener returned (posting the status message, deletions, status edits): tracked, so
 * `stop()` can wait for it, and never an unhandled rejection.
 */
export interface TaskTracker {
  run(label: string, task: () => Promise<unknown>): void;
  /** Resolves true once nothing is running, false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean>;
  /** Aborted by `abort()`: waits (a `Retry-After`) end early. */
  readonly signal: AbortSignal;
  abort(): void;
  readonly size: number;
}

export function createTaskTracker(logger: Logger): TaskTracker {
  const running = new Set<Promise<unknown>>();
  const controller = new AbortController();
  return {
    run(label, task) {
      const promise: Promise<unknown> = task()
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          logger.error({ err: error, task: label }, 'slack: background task failed');
        })
        .finally(() => running.delete(promise));
      running.add(promise);
    },
    async idle(timeoutMs) {
      const deadline = sleep(timeoutMs, false, { ref: false });
      while (running.size > 0) {
        const settled = await Promise.race([Promise.allSettled([...running]).then(() => true), deadline]);
        if (!settled) return false;
      }
      return true;
    },
    signal: controller.signal,
    abort: () => controller.abort(new Error('slack platform stopped')),
    get size() {
      return running.size;
    },
  };
}
