import { describe, expect, it } from 'vitest';
import { createConcurrencyLimit } from '../../src/images/concurrency-limit.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('createConcurrencyLimit', () => {
  it('never runs more than its limit at once and starts waiting tasks in arrival order', async () => {
    const limit = createConcurrencyLimit(2);
    const gates = Array.from({ length: 6 }, () => deferred());
    const started: number[] = [];
    let running = 0;
    let mostRunning = 0;
    const results = gates.map((gate, index) =>
      limit.run(async () => {
        started.push(index);
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await gate.promise;
        running -= 1;
        return index;
      }),
    );

    expect(started).toEqual([0, 1]);
    expect(limit.active).toBe(2);
    expect(limit.pending).toBe(4);

    gates[1]?.resolve();
    await results[1];
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.resolve();
    await results[0];
    expect(started).toEqual([0, 1, 2, 3]);
    for (const gate of gates) gate.resolve();

    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(mostRunning).toBe(2);
    expect(limit.active).toBe(0);
    expect(limit.pending).toBe(0);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = createConcurrencyLimit(1);
    const failing = limit.run(async () => {
      throw new Error('boom');
    });
    const next = limit.run(async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('drops a waiting task whose signal aborts, without running it', async () => {
    const limit = createConcurrencyLimit(1);
    const gate = deferred();
    const first = limit.run(() => gate.promise);
    const controller = new AbortController();
    let ranAborted = false;
    const aborted = limit.run(
      async () => {
        ranAborted = true;
      },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(limit.pending).toBe(0);
    gate.resolve();
    await first;
    expect(ranAborted).toBe(false);
  });

  it('refuses a limit below one', () => {
    expect(() => createConcurrencyLimit(0)).toThrow(RangeError);
  });
});
