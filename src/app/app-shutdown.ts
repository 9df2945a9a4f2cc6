import { waitAtMost } from '../core/time-limit.js';
import type { Logger } from '../logging/logger.js';
import type { AppEngine } from './open-engine.js';
import type { StartedPlatforms } from './start-platforms.js';

/** One deadline for the whole shutdown after SIGTERM: the engine, the platforms, the store. */
const shutdownBudgetMs = 10_000;

/**
 * Everything stops within one deadline: the HTTP server, then the engine (running jobs become interrupted while
 * the platforms still listen, so their members are told with Retry; a delivery still in flight is left `generated`
 * for the next start), then the platforms, then the store. Whatever still holds the process afterwards (a request
 * its platform never answered) does not keep it from exiting 0.
 */
export async function shutdownApp(parts: {
  server: { close(): Promise<void> };
  engine: AppEngine;
  platforms: StartedPlatforms;
  provider: { close(): Promise<void> };
  logger: Logger;
}): Promise<void> {
  const deadline = Date.now() + shutdownBudgetMs;
  const left = () => Math.max(0, deadline - Date.now());
  const overran = setTimeout(() => {
    parts.logger.error({ budgetMs: shutdownBudgetMs }, 'shutdown overran its deadline; exiting anyway');
    parts.logger.flush();
    process.exit(1);
  }, shutdownBudgetMs + 2_000);
  overran.unref();
  await parts.server.close();
  // The platforms keep a share of the budget to stop in.
  await parts.engine.shutdown({ withinMs: Math.max(0, left() - 2_000) });
  await parts.platforms.stop(left());
  await parts.engine.close();
  await waitAtMost(parts.provider.close(), left());
  parts.logger.info({ tookMs: shutdownBudgetMs - left() }, 'stopped');
  parts.logger.flush();
  clearTimeout(overran);
  setTimeout(() => process.exit(0), 200).unref();
}
