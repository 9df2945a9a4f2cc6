import { App, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../logging/logger.js';
import type { SlackClients } from './slack-clients.js';
import type { SlackPlatformConfig, SlackSettings } from './slack-config.js';
import type { SlackContext } from './slack-context.js';
import { createSlackReceiver, type SlackReceiver } from './slack-receiver.js';
import { registerSlackListeners } from './slack-router.js';

/**
 * The inbound half: Bolt on the shared HTTP server at `POST /slack/events` (or Socket Mode), its listeners
 * registered, one error sink for a listener that fails (answered 500, so Slack delivers the event again).
 */
export async function openSlackInbound(
  context: SlackContext,
  options: {
    readonly config: SlackPlatformConfig;
    readonly settings: SlackSettings;
    readonly clients: SlackClients;
    readonly boltLogger: BoltLogger;
    readonly logger: Logger;
    readonly team: string | undefined;
  },
): Promise<{ receiver: SlackReceiver; app: App }> {
  const { config, logger } = options;
  const receiver = createSlackReceiver({
    ...(config.signingSecret ? { signingSecret: config.signingSecret } : {}),
    ...(config.appToken ? { appToken: config.appToken } : {}),
    apiUrl: config.apiUrl,
    ...(config.server ? { server: config.server } : {}),
    logger: options.boltLogger,
    retryConfig: options.settings.retryConfig,
    ...(config.onAck ? { onAck: config.onAck } : {}),
  });
  const { botUserId, botId } = context.identity;
  const app = new App({
    token: config.botToken,
    botId,
    botUserId,
    receiver: receiver.receiver,
    logger: options.boltLogger,
    clientOptions: options.clients.appOptions,
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
  registerSlackListeners(app, context);
  if (receiver.mode === 'socket') await app.start();
  logger.info({ platform: 'slack', mode: receiver.mode, team: options.team, botUserId }, 'slack: connected');
  return { receiver, app };
}
