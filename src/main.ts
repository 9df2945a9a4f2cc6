import { type AppEngine, createEngine } from './app/create-engine.js';
import { createProvider } from './app/create-provider.js';
import { DataDirBusyError, type DataDirLock, lockDataDir } from './app/data-dir-lock.js';
import { platformsOf, type StartedPlatforms, startPlatforms } from './app/start-platforms.js';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { waitAtMost } from './core/time-limit.js';
import { createConcurrencyLimit } from './images/concurrency-limit.js';
import { createImagePipeline, imagePipelineDefaults } from './images/image-pipeline.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createAppServer } from './server/http-server.js';

/** One deadline for the whole shutdown after SIGTERM: the engine, the platforms, the store. */
const shutdownBudgetMs = 10_000;

/**
 * The composition root: config → logger → the `DATA_DIR` lock → pipeline → provider → the one HTTP server (bound
 * first) → store and engine → playground and platforms → recovery → requests let in.
 * Runs in the foreground until SIGTERM/SIGINT; returns the exit code.
 */
export async function startApp(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`threadpaint: ${error.message}\n`);
      return 78;
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  // Before anything in DATA_DIR is read or written: a second process stops here, having changed nothing.
  let lock: DataDirLock;
  try {
    lock = lockDataDir(config.DATA_DIR);
  } catch (error) {
    if (!(error instanceof DataDirBusyError)) throw error;
    process.stderr.write(`threadpaint: ${error.message}\n`);
    return 75;
  }
  try {
    return await serve(config, logger);
  } finally {
    lock.release();
  }
}

async function serve(config: Config, logger: Logger): Promise<number> {
  const pipeline = createImagePipeline();
  const provider = createProvider(config, pipeline);
  let engine: AppEngine | undefined;
  let platforms: StartedPlatforms | undefined;
  const platformNames = [
    ...(config.playgroundEnabled ? ['local'] : []),
    ...(config.discordEnabled ? ['discord'] : []),
    ...(config.slackEnabled ? ['slack'] : []),
  ];
  // Bound before recovery, so a process that cannot listen changes no job; requests wait until recovery is done.
  const server = createAppServer({
    host: config.HOST,
    port: config.PORT,
    holdUntilReady: true,
    health: () => ({
      provider: provider.provider.name,
      offline: config.offline,
      platforms: platformNames,
      connections: platforms?.health(),
      queue: engine?.stats,
    }),
  });
  let address: Awaited<ReturnType<typeof server.listen>>;
  try {
    address = await server.listen();
  } catch (error) {
    // One line that says what to do, with no log line and stack trace before it.
    process.stderr.write(`threadpaint: ${listenFailure(config, error as NodeJS.ErrnoException)}\n`);
    await provider.close();
    return 78;
  }
  engine = createEngine(config, provider.provider, logger);
  const uploads = createConcurrencyLimit(imagePipelineDefaults.concurrency);
  try {
    // Attached before recovery, so interrupted jobs are reported and generated ones delivered.
    platforms = await startPlatforms(engine, platformsOf(config, { pipeline, logger, server, uploads }));
  } catch (error) {
    process.stderr.write(`threadpaint: ${(error as Error).message}\n`);
    await server.close();
    await engine.close();
    await provider.close();
    return 78;
  }
  const recovered = await engine.start();
  if (recovered.resumed + recovered.interrupted + recovered.redelivered > 0)
    logger.info(recovered, 'jobs recovered after restart');
  server.ready();
  logger.info(
    {
      url: address.url,
      provider: provider.provider.name,
      defaultModel: config.DEFAULT_MODEL,
      dataDir: config.DATA_DIR,
      playground: config.playgroundEnabled,
    },
    'threadpaint is up',
  );
  process.stdout.write(
    banner(
      config,
      address.url,
      platforms.names.map((name) => describePlatform(config, name)),
    ),
  );
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down');
  await shutdown({ server, engine, platforms, provider, logger });
  return 0;
}

/**
 * Everything stops within one deadline: the HTTP server, then the engine (running jobs become interrupted while
 * the platforms still listen, so their members are told with Retry; a delivery still in flight is left `generated`
 * for the next start), then the platforms, then the store. Whatever still holds the process afterwards (a request
 * its platform never answered) does not keep it from exiting 0.
 */
async function shutdown(parts: {
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

function describePlatform(config: Config, name: string): string {
  if (name !== 'slack') return name;
  return `slack (${config.slackMode === 'socket' ? 'Socket Mode' : 'HTTP events on /slack/events'})`;
}

function listenFailure(config: { HOST: string; PORT: number }, error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE')
    return `PORT=${config.PORT} is already in use on ${config.HOST}; set PORT to a free port (or 0 for any).`;
  if (error.code === 'EACCES') return `PORT=${config.PORT} needs privileges on this system; use a port above 1023.`;
  if (error.code === 'EADDRNOTAVAIL') return `HOST=${config.HOST} is not an address of this machine; try 127.0.0.1.`;
  return `cannot listen on ${config.HOST}:${config.PORT}: ${error.message}`;
}

function banner(config: Config, url: string, connected: readonly string[]): string {
  const playground = config.PLAYGROUND_TOKEN ? `${url}/ (token: PLAYGROUND_TOKEN)` : `${url}/`;
  return [
    '',
    `  threadpaint is running — ${config.playgroundEnabled ? `playground: ${playground}  ` : ''}health: ${url}/healthz`,
    config.offline
      ? '  No IMAGE_API_KEY: images come from the offline renderer (labelled previews). Set it in .env for real models.'
      : `  Image API: ${config.IMAGE_API_URL} (default model ${config.DEFAULT_MODEL})`,
    connected.length > 0
      ? `  Connected: ${connected.join(', ')}.${config.playgroundEnabled ? '' : ' The playground is off (PLAYGROUND=true turns it on).'}`
      : config.playgroundEnabled
        ? '  No Discord or Slack credentials set: only the local playground is served.'
        : '  No Discord or Slack credentials set and PLAYGROUND=false: only /healthz is served.',
    '  Ctrl+C to stop.',
    '',
  ].join('\n');
}
