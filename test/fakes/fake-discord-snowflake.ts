/** Discord's epoch, 2015-01-01T00:00:00Z: snowflakes count milliseconds from here. */
export const discordEpoch = 1_420_070_400_000n;

/** Before this (2017-01-01) a clock is a test's toy clock: ids then use real time so they keep 18–19 digits. */
const plausibleClockStart = 1_483_228_800_000;

/**
 * Increasing, valid snowflakes (timestamp << 22 | worker << 17 | increment) whose timestamps come from `now`, so
 * `createdTimestamp` agrees with the fake's clock. Never repeats or goes backwards, even if the clock does.
 */
export function createSnowflakes(now: () => number): () => string {
  let lastMs = 0n;
  let increment = 0n;
  return () => {
    const clock = now();
    let ms = BigInt(Math.floor(clock >= plausibleClockStart ? clock : Date.now())) - discordEpoch;
    if (ms < lastMs) ms = lastMs;
    if (ms === lastMs) {
      increment += 1n;
      if (increment > 0xfffn) {
        ms += 1n;
        increment = 0n;
      }
    } else {
      increment = 0n;
    }
    lastMs = ms;
    return ((ms << 22n) | (1n << 17n) | increment).toString();
  };
}

/** The Unix ms a snowflake was made at. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + discordEpoch);
}
