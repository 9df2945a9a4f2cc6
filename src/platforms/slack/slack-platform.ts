import { App } from '@slack/bolt';
import { registerActions } from './slack-actions.js';
import { createAdminCheck } from './slack-admins.js';
import { createBoltLogger } from './slack-bolt-logger.js';
import { createSlackClients } from './slack-clients.js';
import { registerImagineCommand } from './slack-command.js';
import type { SlackContext } from './slack-context.js';
import { createDeliveryDedupe } from './slack-dedupe.js';
import { createSlackDeliverer } from './slack-deliverer.js';
import { slackFailureOf } from './slack-errors.js';
import { createSlackFileFetcher } from './slack-files.js';
import { followJobEvents } from './slack-job-events.js';
import { createMembership } from './slack-membership.js';
import { registerMessageEvents } from './slack-messages.js';
import { registerEditModal } from './slack-modal.js';
import { type SlackPlatformOptions, type SlackSettings, slackDefaults } from './slack-options.js';
import { createSlackReceiver } from './slack-receiver.js';
import { createStatusUpdater } from './slack-status.js';
import { createTaskTracker } from './slack-tasks.js';
import { createTeller } from './slack-tell.js';
import { createThreads } from './slack-threads.js';
import { registerUnknownActions } from './slack-unknown-actions.js';

export type { SlackPlatformOptions, SlackSettings } from './slack-options.js';

export interface SlackPlatform {
  readonly app: App;
  readonly mode: 'http' | 'socket';
  /** The bot's own user id in the workspace (from `auth.test`). */
  readonly botUserId: string;
  /** Stops taking requests, waits a moment for posts in flight, disconnects Socket Mode. Call after the engine's shutdown, so interrupted jobs are still told. */
  stop(): Promise<void>;
}

/** A start-up failure with a sentence for the operator (a wrong token, an unreachable Slack). */
export class SlackStartError extends Error {
  override readonly name = 'SlackStartError';
}

/**
 * Starts the Slack platform: checks the bot token (`auth.test`), mounts Bolt on the shared HTTP server (or opens
 * Socket Mode), registers `/imagine`, thread replies and mentions, the buttons and the Edit modal, and the
 * engine's Slack deliverer. Register it before `engine.start()` so recovered jobs are delivered and told.
 */
export async function startSlack(options: SlackPlatformOptions): Promise<SlackPlatform> {
  const { config, engine, store, pipeline } = options;
  const token = config.SLACK_BOT_TOKEN;
  if (!token) throw new SlackStartError('Slack is not configured: SLACK_BOT_TOKEN is not set.');
  const settings: SlackSettings = { ...slackDefaults, ...options.settings };
  const logger = options.logger.child({ module: 'slack' });
  const boltLogger = createBoltLogger(options.logger);
  const clients = createSlackClients({ token, apiUrl: config.SLACK_API_URL, settings, logger: boltLogger });

  let auth: { user_id?: string; bot_id?: string; team_id?: string };
  try {
    auth = await clients.delivery.auth.test();
  } catch (error) {
    const code = slackFailureOf(error)?.code ?? (error as Error).message;
    throw new SlackStartError(
      code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked'
        ? `Slack rejected SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page.`
        : `Slack's auth.test failed at ${config.SLACK_API_URL} (${code}); check SLACK_API_URL and the network.`,
      { cause: error },
    );
  }
  const botUserId = auth.user_id ?? '';
  const botId = auth.bot_id ?? '';

  const slackReceiver = createSlackReceiver({
    config,
    server: options.server,
    logger: boltLogger,
    retryConfig: settings.retryConfig,
  });
  const app = new App({
    token,
    botId,
    botUserId,
    receiver: slackReceiver.receiver,
    logger: boltLogger,
    clientOptions: clients.appOptions,
    ignoreSelf: true,
  });
  app.error(async (error) => {
    logger.error(
      { platform: 'slack', code: (error as { code?: string }).code, err: error },
      'slack: listener failed; Slack will deliver the event again',
    );
    // Rethrown: an event whose listener failed (nothing recorded) is answered 500, so Slack retries it.
    throw error;
  });

  const tasks = createTaskTracker(logger);
  const context = {
    config,
    engine,
    store,
    pipeline,
    logger,
    settings,
    clients,
    appClient: () => app.client,
    identity: { botUserId, botId },
    tasks,
  } as Partial<SlackContext> as { -readonly [K in keyof SlackContext]: SlackContext[K] };
  context.tell = createTeller(context);
  context.isAdmin = createAdminCheck(context);
  context.threads = createThreads(context);
  const status = createStatusUpdater(context);
  context.status = status;
  const membership = createMembership(context);
  const fetcher = createSlackFileFetcher(context, token);

  registerImagineCommand(app, context, membership);
  registerMessageEvents(app, context, fetcher, createDeliveryDedupe(settings.dedupeMemory));
  registerActions(app, context);
  registerUnknownActions(app, context);
  registerEditModal(app, context);
  engine.registerDeliverer('slack', createSlackDeliverer(context));
  const unfollow = followJobEvents(context);

  if (slackReceiver.mode === 'socket') await app.start();
  logger.info({ platform: 'slack', mode: slackReceiver.mode, team: auth.team_id, botUserId }, 'slack: connected');

  let stopping: Promise<void> | undefined;
  return {
    app,
    mode: slackReceiver.mode,
    botUserId,
    stop() {
      stopping ??= stopOnce();
      return stopping;
    },
  };

  async function stopOnce(): Promise<void> {
    slackReceiver.close();
    unfollow();
    const idle = await tasks.idle(settings.stopTimeoutMs);
    if (!idle) logger.warn({ platform: 'slack', pending: tasks.size }, 'slack: stopped with posts still in flight');
    tasks.abort();
    const dropped = status.stop();
    if (dropped > 0) logger.warn({ platform: 'slack', dropped }, 'slack: status edits dropped at shutdown');
    if (slackReceiver.mode === 'socket') await app.stop();
    await fetcher.close();
  }
}
