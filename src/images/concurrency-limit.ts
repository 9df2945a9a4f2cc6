/** Runs async tasks with at most a fixed number at once; the others wait their turn in arrival order (FIFO). */
export interface ConcurrencyLimit {
  /**
   * Runs `task` as soon as a slot is free. A `signal` that aborts while the task is still waiting removes it
   * from the queue and rejects with the signal's reason; a task that has started runs to its end.
   */
  run<T>(task: () => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly pending: number;
}

/** A FIFO limit of `maxConcurrent` tasks at once (an integer ≥ 1). */
export function createConcurrencyLimit(maxConcurrent: number): ConcurrencyLimit {
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`A concurrency limit must be an integer of at least 1, not ${maxConcurrent}.`);
  }
  let active = 0;
  const queue: Array<() => void> = [];

  const release = () => {
    active -= 1;
    queue.shift()?.();
  };

  return {
    get active() {
      return active;
    },
    get pending() {
      return queue.length;
    },
    run<T>(task: () => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
      const { signal } = options;
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = () => {
          const index = queue.indexOf(start);
          if (index === -1) return;
          queue.splice(index, 1);
          reject(signal?.reason);
        };
        function start() {
          signal?.removeEventListener('abort', onAbort);
          active += 1;
          let running: Promise<T>;
          try {
            running = Promise.resolve(task());
          } catch (error) {
            running = Promise.reject(error);
          }
          // The slot is handed on before the caller hears back, so the next task is already running by then.
          void running.then(
            (value) => {
              release();
              resolve(value);
            },
            (error: unknown) => {
              release();
              reject(error);
            },
          );
        }
        if (active < maxConcurrent) {
          start();
        } else {
          queue.push(start);
          signal?.addEventListener('abort', onAbort, { once: true });
        }
      });
    },
  };
}
