import { performance } from 'node:perf_hooks';
import type { ImageProvider } from '../src/core/image-provider.js';
import type { BlobStore, Store } from '../src/core/store.js';

/** Count, total and largest duration of each method of a seam, in ms. */
export class CallTimes {
  readonly byMethod = new Map<string, { calls: number; totalMs: number; maxMs: number }>();

  add(method: string, ms: number): void {
    const entry = this.byMethod.get(method) ?? { calls: 0, totalMs: 0, maxMs: 0 };
    entry.calls++;
    entry.totalMs += ms;
    entry.maxMs = Math.max(entry.maxMs, ms);
    this.byMethod.set(method, entry);
  }
}

/**
 * Times every store call until its promise settles: the database work (synchronous on SQLite, a round trip on
 * PostgreSQL) and any wait for the event loop or the connection. `onCall` sees the arguments first (the bench takes
 * `updateJob(id, {state:'running'})`, the first thing a job does once the queue starts it, as the moment the job
 * took its slot).
 */
export function timedStore(store: Store, times: CallTimes, onCall: (method: string, args: unknown[]) => void): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        onCall(String(property), args);
        const started = performance.now();
        const result: unknown = value.apply(target, args);
        const settled = () => times.add(String(property), performance.now() - started);
        if (result instanceof Promise) void result.then(settled, settled);
        else settled();
        return result;
      };
    },
  });
}

/** Times blob calls from the call until the promise settles (file I/O runs on libuv's pool). */
export function timedBlobs(blobs: BlobStore, times: CallTimes): BlobStore {
  const timed =
    <A extends unknown[], R>(method: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await call(...args);
      } finally {
        times.add(method, performance.now() - started);
      }
    };
  return {
    put: timed('put', (bytes: Uint8Array) => blobs.put(bytes)),
    get: timed('get', (hash: string) => blobs.get(hash)),
    has: timed('has', (hash: string) => blobs.has(hash)),
    delete: timed('delete', (hash: string) => blobs.delete(hash)),
    list: () => blobs.list(),
  };
}

export interface ProviderCall {
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Records when each upstream call (by prompt) started and ended, and the most calls in flight at once. */
export function timedProvider(provider: ImageProvider) {
  const calls = new Map<string, ProviderCall>();
  let inFlight = 0;
  let maxInFlight = 0;
  const timed: ImageProvider = {
    name: provider.name,
    offline: provider.offline,
    async generate(request, options) {
      const startedAt = performance.now();
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await provider.generate(request, options);
      } finally {
        inFlight--;
        calls.set(request.prompt, { startedAt, endedAt: performance.now() });
      }
    },
  };
  return {
    provider: timed,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

/**
 * Peak resident set size, sampled on a timer; the same timer sees the longest stall of the event loop (how late a
 * tick came), and the loop's utilisation over the whole sampling is measured too.
 */
export function sampleProcess(everyMs: number) {
  let peakRss = process.memoryUsage.rss();
  let longestStallMs = 0;
  let last = performance.now();
  const utilisation = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.now();
    longestStallMs = Math.max(longestStallMs, now - last - everyMs);
    last = now;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return {
        peakRss: Math.max(peakRss, process.memoryUsage.rss()),
        longestStallMs,
        loopUtilisation: performance.eventLoopUtilization(utilisation).utilization,
      };
    },
  };
}
