import type { GenerateOptions, GenerationResult, ImageProvider } from '../../src/core/image-provider.js';
import type { GenerationRequest } from '../../src/core/imagine-request.js';
import { createWaitList, defaultWaitMs, type WaitList } from './wait-list.js';

export interface ObservedCall {
  /** 1-based, in the order calls reached the provider. */
  readonly order: number;
  readonly request: GenerationRequest;
  /** In-flight calls right after this one started (itself included). */
  readonly inFlightAtStart: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * A decorator around a real provider that watches what reaches it: the calls in start order, how many are in flight
 * (and the most ever), and a gate that holds calls before they reach the inner provider until `release()` — a job
 * that stays `running` exactly as long as a test needs, without a sleep.
 */
export interface ObservedProvider extends ImageProvider {
  readonly calls: WaitList<ObservedCall>;
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Calls that start from now on wait at the gate (an aborted signal lets a waiting call go, as an abort). */
  hold(): void;
  /** Opens the gate: waiting calls and later ones go through. */
  release(): void;
  /** Resolves once `count` calls are in flight at the same time. */
  waitForInFlight(count: number, timeoutMs?: number): Promise<void>;
}

export function observeProvider(inner: ImageProvider): ObservedProvider {
  const calls = createWaitList<ObservedCall>(
    (call) => `#${call.order} ${call.request.model.id}: ${call.request.prompt}`,
  );
  const inFlightWatchers = new Set<() => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: { promise: Promise<void>; open: () => void } | undefined;

  function setInFlight(value: number): void {
    inFlight = value;
    maxInFlight = Math.max(maxInFlight, inFlight);
    for (const watcher of [...inFlightWatchers]) watcher();
  }

  function passGate(signal: AbortSignal | undefined): Promise<void> {
    if (!gate) return Promise.resolve();
    const { promise } = gate;
    if (!signal) return promise;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void promise.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  return {
    name: `observed(${inner.name})`,
    offline: inner.offline,
    calls,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    async generate(request: GenerationRequest, options?: GenerateOptions): Promise<GenerationResult> {
      setInFlight(inFlight + 1);
      calls.push({ order: calls.items.length + 1, request, inFlightAtStart: inFlight, signal: options?.signal });
      try {
        await passGate(options?.signal);
        return await inner.generate(request, options);
      } finally {
        setInFlight(inFlight - 1);
      }
    },
    hold() {
      if (gate) return;
      let open = () => {};
      const promise = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
    waitForInFlight(count, timeoutMs = defaultWaitMs) {
      if (inFlight >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const watcher = () => {
          if (inFlight < count) return;
          clearTimeout(timer);
          inFlightWatchers.delete(watcher);
          resolve();
        };
        const timer = setTimeout(() => {
          inFlightWatchers.delete(watcher);
          reject(new Error(`${count} calls were never in flight at once within ${timeoutMs} ms (now ${inFlight})`));
        }, timeoutMs);
        inFlightWatchers.add(watcher);
      });
    },
  };
}
