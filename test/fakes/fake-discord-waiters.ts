/**
 * Event-driven waits on a growing list: every new item is offered to the pending waiters (no polling). A wait
 * rejects after its timeout with the last items seen, or at once when the fake closes.
 */
export function createWaiters<T>(
  items: () => readonly T[],
  describe: (item: T) => string,
  what: string,
  /** Past items count only once settled (a request once answered); new ones are offered when they settle. */
  settled: (item: T) => boolean = () => true,
) {
  const waiters = new Set<{ offer: (item: T) => void; cancel: (error: Error) => void }>();

  return {
    notify(item: T): void {
      for (const waiter of [...waiters]) waiter.offer(item);
    },

    waitFor(predicate: (item: T) => boolean, timeoutMs = 5000): Promise<T> {
      const existing = items().find((item) => settled(item) && predicate(item));
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise<T>((resolve, reject) => {
        const settle = (action: () => void) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          action();
        };
        const waiter = {
          offer(item: T) {
            try {
              if (predicate(item)) settle(() => resolve(item));
            } catch (error) {
              settle(() => reject(error));
            }
          },
          cancel: (error: Error) => settle(() => reject(error)),
        };
        const timer = setTimeout(() => {
          const seen = items().slice(-12).map(describe).join('\n  ') || 'nothing';
          settle(() => reject(new Error(`fake Discord: no ${what} within ${timeoutMs} ms; last seen:\n  ${seen}`)));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },

    cancelAll(reason: string): void {
      for (const waiter of [...waiters]) waiter.cancel(new Error(`fake Discord: ${reason}`));
    },
  };
}
