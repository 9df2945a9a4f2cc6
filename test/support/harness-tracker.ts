import { createEngineHarness, type EngineHarness, type EngineHarnessOptions } from './engine-harness.js';

/** Closes every harness a test opened (reopened ones included): call `closeAll` in `afterEach`. */
export function harnessTracker() {
  const open = new Set<EngineHarness>();
  const track = (harness: EngineHarness): EngineHarness => {
    open.add(harness);
    const reopen = harness.reopen;
    return Object.assign(harness, {
      reopen: async (options?: Omit<EngineHarnessOptions, 'dataDir'>) => track(await reopen(options)),
    });
  };
  return {
    create: (options?: EngineHarnessOptions) => track(createEngineHarness(options)),
    async closeAll() {
      const harnesses = [...open];
      open.clear();
      await Promise.all(harnesses.map((harness) => harness.close()));
    },
  };
}
