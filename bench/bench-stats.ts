import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Nearest-rank percentile of values sorted ascending (NaN when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Samples this process's RSS every `everyMs`; `stop()` answers the peak (the current RSS included). */
export function sampleRss(everyMs: number): { peak(): number; stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    peak: () => peak,
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export interface ProcessFigures {
  readonly peakRss: number;
  /** The kernel's high-water mark for the whole process life, in bytes. */
  readonly maxRss: number;
  /** Event-loop delay while measured, in ms. */
  readonly loop: { readonly p50: number; readonly p99: number; readonly max: number };
}

/**
 * What a bench child reports about itself: peak RSS (sampled every 10 ms until `stop`) and the event-loop delay
 * between `startMeasuring` and `stopMeasuring` (shutting down is not part of the load being measured).
 */
export function monitorProcess(): { startMeasuring(): void; stopMeasuring(): void; stop(): ProcessFigures } {
  const rss = sampleRss(10);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  return {
    startMeasuring() {
      loopDelay.reset();
      loopDelay.enable();
    },
    stopMeasuring() {
      loopDelay.disable();
    },
    stop() {
      loopDelay.disable();
      return {
        peakRss: rss.stop(),
        maxRss: process.resourceUsage().maxRSS * 1024,
        loop: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      };
    },
  };
}
