import type { RecordedRequest } from './fake-image-api-types.js';

type Predicate = (request: RecordedRequest) => boolean;

/** Event-driven waits on recorded requests: each new record is offered to the pending waiters, no polling. */
export function createWaiters(recorded: () => readonly RecordedRequest[]) {
  const waiters = new Set<(request: RecordedRequest) => void>();

  return {
    notify(request: RecordedRequest): void {
      for (const waiter of [...waiters]) waiter(request);
    },

    waitFor(predicate: Predicate, timeoutMs = 5000): Promise<RecordedRequest> {
      const existing = recorded().find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const settle = (action: () => void) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          action();
        };
        const waiter = (request: RecordedRequest) => {
          try {
            if (predicate(request)) settle(() => resolve(request));
          } catch (error) {
            settle(() => reject(error));
          }
        };
        const timer = setTimeout(() => {
          const seen = recorded()
            .slice(-10)
            .map((request) => `${request.method} ${request.path}`);
          const message = `fake image API: no matching request within ${timeoutMs} ms (last seen: ${seen.join(', ') || 'none'})`;
          settle(() => reject(new Error(message)));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}
