/** A clock that moves only when told: quota windows and retention become exact. */
export interface ManualClock {
  readonly now: () => number;
  advance(ms: number): number;
  set(at: number): void;
}

/** 2026-01-05 09:00:00 UTC: a round time, so messages that print a time of day are predictable. */
export const defaultClockStart = Date.UTC(2026, 0, 5, 9, 0, 0);

export function createManualClock(start = defaultClockStart): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
      return current;
    },
    set(at) {
      current = at;
    },
  };
}
