type Entry = { readonly state: 'running'; readonly done: Promise<boolean> } | { readonly state: 'done' };

/**
 * Slack retries an event it did not see acknowledged (at once, after 1 min, after 5 min), and an @mention in a
 * channel arrives twice (`app_mention` and `message`, different `event_id`s, same message). Each delivery is
 * processed under all its keys (`event_id` and the message): a second one waits for the first and is dropped when
 * the first succeeded; when the first failed (nothing was recorded), the retry is processed. The store's
 * idempotency key is the durable guard; this one keeps retries from doing the work (downloads) twice.
 */
export function createDeliveryDedupe(limit: number) {
  const entries = new Map<string, Entry>();

  function trim(): void {
    for (const key of entries.keys()) {
      if (entries.size <= limit) return;
      if (entries.get(key)?.state === 'done') entries.delete(key);
      else return;
    }
  }

  return {
    /** Runs `task` unless a delivery with one of these keys succeeded already; resolves to whether it ran. */
    async run(keys: readonly string[], task: () => Promise<void>): Promise<boolean> {
      for (;;) {
        const seen = keys.map((key) => entries.get(key)).find((entry) => entry !== undefined);
        if (!seen) break;
        if (seen.state === 'done' || (await seen.done)) return false;
      }
      let settle: (succeeded: boolean) => void = () => {};
      const done = new Promise<boolean>((resolve) => {
        settle = resolve;
      });
      for (const key of keys) entries.set(key, { state: 'running', done });
      try {
        await task();
      } catch (error) {
        for (const key of keys) entries.delete(key);
        settle(false);
        throw error;
      }
      for (const key of keys) {
        entries.delete(key);
        entries.set(key, { state: 'done' });
      }
      settle(true);
      trim();
      return true;
    },
  };
}
