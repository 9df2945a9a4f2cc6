import type { App } from '@slack/bolt';
import { attachmentLimits } from '../../core/platform/attachment-limits.js';
import type { ChatPlatform } from '../../core/platform/chat-platform.js';
import type { PlatformEngine } from '../../core/platform/platform-engine.js';
import { createAdminCheck } from './slack-admins.js';
import { createBoltLogger } from './slack-bolt-logger.js';
import { createSlackClients } from './slack-clients.js';
import { type SlackPlatformConfig, type SlackSettings, slackDefaults } from './slack-config.js';
import type { SlackContext, SlackOutbound } from './slack-context.js';
import { createSlackDeliverer } from './slack-deliverer.js';
import { slackFailureOf } from './slack-errors.js';
import { createFileFetcher, createSharedFiles, type FileFetcher } from './slack-files.js';
import { openSlackInbound } from './slack-inbound.js';
import type { SlackReceiver } from './slack-receiver.js';
import { awaitsSlackStatus, createSlackStatus } from './slack-status.js';
import { createStatusEdits, type StatusEdits } from './slack-status-edits.js';
import { createTaskTracker } from './slack-tasks.js';
import { createTeller } from './slack-tell.js';

export type { SlackPlatformConfig, SlackSettings } from './slack-config.js';

export interface SlackPlatform extends ChatPlatform {
  readonly mode: 'http' | 'socket';
  /** The bot's own user id in the workspace (from `auth.test`), once started. */
  readonly botUserId: string;
}

/** A start-up failure with a sentence for the operator (a wrong token, an unreachable Slack). */
export class SlackStartError extends Error {
  override readonly name = 'SlackStartError';
}

/**
 * Slack on Bolt. Outbound (status messages, uploads, turn messages, files fetched when a job starts) goes through
 * the Web API with the bot token and the ids stored on each job, so it works after a restart and from a process
 * with no receiver (`outboundOnly`). Inbound, Bolt is mounted on the shared HTTP server (or opens Socket Mode) and
 * its listeners turn `/imagine`, thread replies, mentions, buttons and the Edit modal into engine calls.
 */
export function createSlackPlatform(config: SlackPlatformConfig): SlackPlatform {
  const settings: SlackSettings = { ...slackDefaults, ...config.settings };
  const logger = config.logger.child({ module: 'slack' });
  const boltLogger = createBoltLogger(config.logger);
  const clients = createSlackClients({
    token: config.botToken,
    apiUrl: config.apiUrl,
    settings,
    logger: boltLogger,
    ...(config.onApiCall ? { observer: config.onApiCall } : {}),
  });
  const tasks = createTaskTracker(logger);
  const mode = config.appToken ? 'socket' : 'http';
  let botUserId = '';
  let running: { outbound: SlackOutbound; edits: StatusEdits; fetcher: FileFetcher } | undefined;
  let status: ReturnType<typeof createSlackStatus> | undefined;
  let deliverer: ReturnType<typeof createSlackDeliverer> | undefined;
  let inbound: { receiver: SlackReceiver; app: App } | undefined;
  let stopping: Promise<void> | undefined;

  const started = () => {
    if (!running || !status || !deliverer) throw new Error('the Slack platform is not started');
    return { ...running, status, deliverer };
  };

  async function checkToken(): Promise<{ user_id?: string; bot_id?: string; team_id?: string }> {
    try {
      return await clients.delivery.auth.test();
    } catch (error) {
      const code = slackFailureOf(error)?.code ?? (error as Error).message;
      throw new SlackStartError(
        code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked'
          ? `Slack rejected SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page.`
          : `Slack's auth.test failed at ${config.apiUrl} (${code}); check SLACK_API_URL and the network.`,
        { cause: error },
      );
    }
  }

  return {
    name: 'slack',
    mode,
    get botUserId() {
      return botUserId;
    },
    async start(engine: PlatformEngine, options = {}) {
      const auth = await checkToken();
      botUserId = auth.user_id ?? '';
      const outbound: SlackOutbound = {
        engine,
        logger,
        settings,
        clients,
        pipeline: config.pipeline,
        tasks,
        tell: createTeller({ logger, clients }),
      };
      const edits = createStatusEdits(outbound);
      status = createSlackStatus(outbound, edits);
      deliverer = createSlackDeliverer(outbound, status);
      const limits = attachmentLimits(
        engine.catalogue,
        { maxFiles: settings.maxInputFiles },
        config.pipeline.maxInputBytes,
      );
      const fetcher = createFileFetcher({
        token: config.botToken,
        allowPrivate: config.allowPrivateDownloads,
        apiUrl: config.apiUrl,
        fileHosts: settings.fileHosts,
        timeoutMs: settings.downloadTimeoutMs,
        limits,
        pipeline: config.pipeline,
        logger,
      });
      running = { outbound, edits, fetcher };
      if (options.outboundOnly) {
        logger.info({ platform: 'slack', mode: 'outbound only', team: auth.team_id }, 'slack: ready to deliver');
        return;
      }
      const context: SlackContext = {
        ...outbound,
        identity: { botUserId, botId: auth.bot_id ?? '' },
        isAdmin: createAdminCheck(outbound),
        files: createSharedFiles(outbound, { apiUrl: config.apiUrl, limits }),
      };
      inbound = await openSlackInbound(context, {
        config,
        settings,
        clients,
        boltLogger,
        logger,
        team: auth.team_id,
      });
    },
    deliver: (context) => started().deliverer.deliver(context),
    renderStatus: (event) => started().status.renderStatus(event),
    awaitsStatus: awaitsSlackStatus,
    fetchFiles: (_job, files, signal) => started().fetcher.fetch(files, signal),
    health() {
      if (!running) return { connected: false, detail: 'not started' };
      if (!inbound) return { connected: true, detail: 'outbound only (Web API)' };
      const connected = inbound.receiver.connected();
      if (inbound.receiver.mode === 'http') return { connected, detail: 'events on /slack/events' };
      return { connected, detail: connected ? 'Socket Mode connected' : 'Socket Mode not connected' };
    },
    /** Stops taking requests, waits a moment for posts in flight, disconnects Socket Mode. */
    stop() {
      stopping ??= (async () => {
        inbound?.receiver.close();
        const idle = await tasks.idle(settings.stopTimeoutMs);
        if (!idle) logger.warn({ platform: 'slack', pending: tasks.size }, 'slack: stopped with posts still in flight');
        tasks.abort();
        const dropped = running?.edits.stop() ?? 0;
        if (dropped > 0) logger.warn({ platform: 'slack', dropped }, 'slack: status edits dropped at shutdown');
        if (inbound?.receiver.mode === 'socket') await inbound.app.stop();
        await running?.fetcher.close();
      })();
      return stopping;
    },
  };
}
