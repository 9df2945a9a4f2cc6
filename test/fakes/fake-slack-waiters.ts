import type { FakeSlackCall } from './fake-slack-types.js';

type Predicate = (call: FakeSlackCall) => boolean;

/** Event-driven waits on the fake's recorded calls: each new call is offered to the pending waiters, no polling. */
export function createCallWaiters(recorded: () => readonly FakeSlackCall[]) {
  const waiters = new Set<(call: FakeSlackCall) => void>();

  function waitUntil<T>(check: () => T | undefined, describe: () => string, timeoutMs: number): Promise<T> {
    const ready = check();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const settle = (action: () => void) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        action();
      };
      const waiter = () => {
        try {
          const value = check();
          if (value !== undefined) settle(() => resolve(value));
        } catch (error) {
          settle(() => reject(error));
        }
      };
      const timer = setTimeout(() => {
        const seen = recorded()
          .slice(-12)
          .map((call) => `${call.method}${call.response['error'] ? `(${String(call.response['error'])})` : ''}`);
        settle(() =>
          reject(
            new Error(`fake Slack: ${describe()} within ${timeoutMs} ms (last seen: ${seen.join(', ') || 'none'})`),
          ),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  return {
    notify(call: FakeSlackCall): void {
      for (const waiter of [...waiters]) waiter(call);
    },

    waitFor(predicate: Predicate, timeoutMs = 5000): Promise<FakeSlackCall> {
      return waitUntil(
        () => recorded().find(predicate),
        () => 'no matching call',
        timeoutMs,
      );
    },

    waitForCalls(
      method: string,
      count: number,
      predicate: Predicate = () => true,
      timeoutMs = 5000,
    ): Promise<FakeSlackCall[]> {
      return waitUntil(
        () => {
          const matching = recorded().filter((call) => call.method === method && predicate(call));
          return matching.length >= count ? matching : undefined;
        },
        () => `fewer than ${count} matching ${method} calls`,
        timeoutMs,
      );
    },
  };
}
