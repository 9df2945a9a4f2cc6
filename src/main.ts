import { mkdirSync } from 'node:fs';
import { banner, describePlatform, listenFailure } from './app/app-banner.js';
import { createAppLogger } from './app/app-logger.js';
import {
  countOutcome,
  createAppMetrics,
  observedPipeline,
  observedPlatforms,
  observeEngine,
  platformObservers,
} from './app/app-metrics.js';
import { shutdownApp } from './app/app-shutdown.js';
import { type AppEngine, createEngine, openStorage } from './app/create-engine.js';
import { createProvider } from './app/create-provider.js';
import { DataDirBusyError, type DataDirLock, lockDataDir } from './app/data-dir-lock.js';
import { createHealthCheck } from './app/health-check.js';
import { logJobOutcomes } from './app/outcome-log.js';
import { platformsOf } from './app/platform-configs.js';
import { lockPostgresQueue, type PostgresQueueLock, QueueBusyError } from './app/postgres-queue-lock.js';
import { openSharedQueue, type ProcessRole, type SharedQueue, sharedQueueProblem } from './app/shared-queue.js';
import { type StartedPlatforms, startPlatforms } from './app/start-platforms.js';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { createConcurrencyLimit } from './images/concurrency-limit.js';
import { createImagePipeline, imagePipelineDefaults } from './images/image-pipeline.js';
import type { Logger } from './logging/logger.js';
import { QueueUnavailableError } from './queue/redis-connection.js';
import { createAppServer, type HealthReport } from './server/http-server.js';
import { metricsRoute } from './server/metrics-route.js';
import { StoreUnavailableError } from './store/postgres-errors.js';

/**
 * The composition root: config → logger → the `DATA_DIR` lock (and a PostgreSQL schema's queue lock) → pipeline → provider → the one HTTP server (bound
 * first) → store and engine → playground and platforms → recovery → requests let in.
 * Runs in the foreground until SIGTERM/SIGINT; returns the exit code. `role` is `all` for `npm start` (SQLite and
 * the in-process queue, or one process on Redis + PostgreSQL when both URLs are set), `gateway` (takes requests,
 * runs no job) or `worker` (runs jobs and delivers from stored ids; serves only health and metrics).
 */
export async function startApp(role: ProcessRole = 'all'): Promise<number> {
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
  const problem = sharedQueueProblem(config, role);
  if (problem) {
    process.stderr.write(`threadpaint: ${problem}\n`);
    return 78;
  }
  const logger = createAppLogger(config).child({ role });
  const shared = config.REDIS_URL !== undefined;
  // Before anything in DATA_DIR is read or written: a second process stops here, having changed nothing. With the
  // queue on Redis, the state is in PostgreSQL and several processes may share one environment (and DATA_DIR).
  let lock: DataDirLock | undefined;
  if (shared) mkdirSync(config.DATA_DIR, { recursive: true });
  else {
    try {
      lock = lockDataDir(config.DATA_DIR);
    } catch (error) {
      if (!(error instanceof DataDirBusyError)) throw error;
      process.stderr.write(`threadpaint: ${error.message}\n`);
      return 75;
    }
  }
  // The queue of a PostgreSQL schema, likewise: one process runs its jobs, unless the queue is on Redis.
  let queueLock: PostgresQueueLock | undefined;
  if (config.DATABASE_URL && !shared) {
    try {
      queueLock = await lockPostgresQueue({
        url: config.DATABASE_URL,
        schema: config.DATABASE_SCHEMA,
        onLost: (error) => {
          logger.fatal({ err: error }, 'the PostgreSQL connection holding the queue lock broke; stopping');
          process.kill(process.pid, 'SIGTERM');
        },
      });
    } catch (error) {
      lock?.release();
      if (!(error instanceof QueueBusyError || error instanceof StoreUnavailableError)) throw error;
      process.stderr.write(`threadpaint: ${error.message}\n`);
      return error instanceof QueueBusyError ? 75 : 78;
    }
  }
  try {
    return await serve(config, logger, role);
  } finally {
    await queueLock?.release();
    lock?.release();
  }
}

async function serve(config: Config, logger: Logger, role: ProcessRole): Promise<number> {
  const metrics = createAppMetrics(config);
  const pipeline = metrics ? observedPipeline(createImagePipeline(), metrics) : createImagePipeline();
  const provider = createProvider(config, pipeline, metrics);
  let engine: AppEngine | undefined;
  let platforms: StartedPlatforms | undefined;
  let checkHealth: (() => Promise<HealthReport>) | undefined;
  let sharedQueue: SharedQueue | undefined;
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
    health: () => checkHealth?.() ?? { ok: false, failing: ['starting'] },
  });
  if (metrics) {
    const token = config.METRICS_TOKEN;
    server.mount(metricsRoute({ render: () => metrics.render(), contentType: metrics.contentType, token }));
  }
  let address: Awaited<ReturnType<typeof server.listen>>;
  try {
    address = await server.listen();
  } catch (error) {
    // One line that says what to do, with no log line and stack trace before it.
    process.stderr.write(`threadpaint: ${listenFailure(config, error as NodeJS.ErrnoException)}\n`);
    await provider.close();
    return 78;
  }
  try {
    const storage = await openStorage(config, logger);
    if (config.REDIS_URL) {
      try {
        sharedQueue = await openSharedQueue(config, role, logger);
      } catch (error) {
        await storage.store.close();
        throw error;
      }
    }
    engine = createEngine(config, provider.provider, logger, storage, sharedQueue?.factory);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError || error instanceof QueueUnavailableError)) throw error;
    process.stderr.write(`threadpaint: ${error.message}\n`);
    await server.close();
    await provider.close();
    return 78;
  }
  const { store } = engine;
  checkHealth = createHealthCheck({
    store,
    dataDir: config.DATA_DIR,
    minFreeBytes: config.DATA_DIR_MIN_FREE_MB * 1_000_000,
    platforms: () => platforms?.health(),
    ...(sharedQueue ? { queue: (sharedQueue as SharedQueue).ping } : {}),
    facts: () => ({
      role,
      provider: provider.provider.name,
      offline: config.offline,
      platforms: platformNames,
      queue: engine?.stats,
    }),
  });
  const { catalogue, DEFAULT_MODEL: defaultModel } = config;
  const onOutcome = metrics ? countOutcome(metrics) : undefined;
  logJobOutcomes({ engine, store, catalogue, defaultModel, logger, ...(onOutcome ? { onOutcome } : {}) });
  if (metrics) {
    observeEngine(engine, metrics);
    metrics.readQueueFrom(() => store.countActiveJobs());
  }
  const uploads = createConcurrencyLimit(imagePipelineDefaults.concurrency);
  try {
    const services = { pipeline, logger, server, uploads, observers: platformObservers(metrics) };
    const made = await platformsOf(config, services);
    // Attached before recovery, so interrupted jobs are reported and generated ones delivered.
    // A worker opens only the outbound half: it delivers from stored ids and takes no requests.
    platforms = await startPlatforms(engine, metrics ? observedPlatforms(made, metrics) : made, {
      outboundOnly: role === 'worker',
    });
  } catch (error) {
    process.stderr.write(`threadpaint: ${(error as Error).message}\n`);
    await server.close();
    await engine.close();
    await sharedQueue?.close();
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
      queue: sharedQueue ? 'redis' : 'in-process',
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
  // Load balancers see /readyz fail first and stop sending; everything still answers meanwhile.
  server.drain();
  if (config.SHUTDOWN_DRAIN_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
  await shutdownApp({ server, engine, platforms, provider, logger });
  await sharedQueue?.close();
  return 0;
}
