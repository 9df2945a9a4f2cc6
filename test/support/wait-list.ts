/**
 * A growing list of things that happened, with event-driven waits on it: each new item is offered to the pending
 * waiters (no polling, no sleeps). Waits reject after a timeout with what was seen, so a failure says why.
 */
export interface WaitList<T> {
  readonly items: readonly T[];
  push(item: T): void;
  /** Resolves with the first item (past or future) that matches. */
  waitFor(predicate: (item: T) => boolean, options?: { timeoutMs?: number; what?: string }): Promise<T>;
}

export const defaultWaitMs = 5_000;

export function createWaitList<T>(describe: (item: T) => string = (item) => JSON.stringify(item)): WaitList<T> {
  const items: T[] = [];
  const waiters = new Set<(item: T) => void>();
  return {
    items,
    push(item) {
      items.push(item);
      for (const waiter of [...waiters]) waiter(item);
    },
    waitFor(predicate, options = {}) {
      const existing = items.find(predicate);
      if (existing !== undefined) return Promise.resolve(existing);
      const timeoutMs = options.timeoutMs ?? defaultWaitMs;
      return new Promise<T>((resolve, reject) => {
        const waiter = (item: T) => {
          if (!predicate(item)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(item);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = items.slice(-12).map(describe).join('\n  ');
          reject(
            new Error(
              `no ${options.what ?? 'matching item'} within ${timeoutMs} ms; last seen:\n  ${seen || 'nothing'}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}
