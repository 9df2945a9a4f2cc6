import { createEngine } from './app/create-engine.js';
import { createProvider } from './app/create-provider.js';
import { startPlatforms } from './app/start-platforms.js';
import { ConfigError, loadConfig } from './config/config.js';
import { createImagePipeline } from './images/image-pipeline.js';
import { createLogger } from './logging/logger.js';
import { createPlayground } from './platforms/local/playground.js';
import { createAppServer } from './server/http-server.js';

/**
 * The composition root: config → logger → pipeline → provider → the one HTTP server (healthz, playground).
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
  const pipeline = createImagePipeline();
  const provider = createProvider(config, pipeline);
  const engine = createEngine(config, provider.provider, logger);
  const server = createAppServer({
    host: config.HOST,
    port: config.PORT,
    health: () => ({
      provider: provider.provider.name,
      offline: config.offline,
      platforms: ['local', ...(config.discordEnabled ? ['discord'] : []), ...(config.slackEnabled ? ['slack'] : [])],
      queue: engine.engine.stats,
    }),
  });
  server.mount(createPlayground({ config, engine: engine.engine, blobs: engine.blobs, pipeline, logger }));
  let platforms: Awaited<ReturnType<typeof startPlatforms>>;
  try {
    platforms = await startPlatforms({ config, engine, pipeline, logger, server });
  } catch (error) {
    process.stderr.write(`threadpaint: ${(error as Error).message}\n`);
    await engine.close();
    await provider.close();
    return 78;
  }
  // Platforms subscribe before recovery, so interrupted jobs are reported and generated ones delivered.
  const recovered = await engine.engine.start();
  if (recovered.resumed + recovered.interrupted + recovered.redelivered > 0)
    logger.info(recovered, 'jobs recovered after restart');
  let address: Awaited<ReturnType<typeof server.listen>>;
  try {
    address = await server.listen();
  } catch (error) {
    // One line that says what to do, with no log line and stack trace before it.
    process.stderr.write(`threadpaint: ${listenFailure(config, error as NodeJS.ErrnoException)}\n`);
    await platforms.stop();
    await engine.close();
    await provider.close();
    return 78;
  }
  logger.info(
    {
      url: address.url,
      provider: provider.provider.name,
      defaultModel: config.DEFAULT_MODEL,
      dataDir: config.DATA_DIR,
    },
    'threadpaint is up',
  );
  process.stdout.write(
    [
      '',
      `  threadpaint is running — playground: ${address.url}/  health: ${address.url}/healthz`,
      config.offline
        ? '  No IMAGE_API_KEY: images come from the offline renderer (labelled previews). Set it in .env for real models.'
        : `  Image API: ${config.IMAGE_API_URL} (default model ${config.DEFAULT_MODEL})`,
      platforms.names.length > 0
        ? `  Connected: ${platforms.names.join(', ')}.`
        : '  No Discord or Slack credentials set: only the local playground is served.',
      '  Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down');
  const forced = setTimeout(() => process.exit(1), 8_000);
  forced.unref();
  await server.close();
  // Running jobs become interrupted while the platforms still listen, so their members are told (with Retry).
  await engine.engine.shutdown();
  await platforms.stop();
  await engine.close();
  await provider.close();
  logger.flush();
  clearTimeout(forced);
  return 0;
}

function listenFailure(config: { HOST: string; PORT: number }, error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE')
    return `PORT=${config.PORT} is already in use on ${config.HOST}; set PORT to a free port (or 0 for any).`;
  if (error.code === 'EACCES') return `PORT=${config.PORT} needs privileges on this system; use a port above 1023.`;
  if (error.code === 'EADDRNOTAVAIL') return `HOST=${config.HOST} is not an address of this machine; try 127.0.0.1.`;
  return `cannot listen on ${config.HOST}:${config.PORT}: ${error.message}`;
}
