import { waitAtMost } from '../time-limit.js';
import type { EngineContext } from './engine-context.js';
import { ShutdownError } from './job-endings.js';

export interface ShutdownOptions {
  /** The whole shutdown's budget: running jobs, their interrupted statuses. Default: the grace time and 2 s more. */
  readonly withinMs?: number;
}

/**
 * Stops taking work, lets running jobs finish for the grace time, interrupts the rest (their members are told while
 * the platforms still run), and waits for the status messages in flight — all within one budget. Runs once: a
 * second call waits for the first.
 */
export function createShutdown(context: EngineContext): (options?: ShutdownOptions) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (options = {}) => {
    stopping ??= shutdown(context, options.withinMs ?? context.settings.shutdownGraceMs + 2_000);
    return stopping;
  };
}

async function shutdown(context: EngineContext, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  const left = () => Math.max(0, deadline - Date.now());
  context.intake.accepting = false;
  context.queue.pause();
  await waitAtMost(context.queue.idle(), Math.min(context.settings.shutdownGraceMs, left()));
  for (const controller of context.running.values()) controller.abort(new ShutdownError());
  // Aborted calls end at once and record `interrupted`. A delivery still waiting on its platform is not waited for:
  // its job stays `generated`, and the next start delivers the stored bytes again.
  await waitAtMost(context.queue.idle(), Math.min(1_000, left()));
  await context.status.idle(left());
  await waitAtMost(context.queue.close?.() ?? Promise.resolve(), left());
}
