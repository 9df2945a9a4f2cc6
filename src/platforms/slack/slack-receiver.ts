import { type Logger as BoltLogger, HTTPReceiver, type Receiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Config } from '../../config/config.js';
import { type AppServer, sendJson } from '../../server/http-server.js';

export const slackEventsPath = '/slack/events';

export interface SlackReceiver {
  readonly receiver: Receiver;
  readonly mode: 'http' | 'socket';
  /** Stops answering on the shared server (HTTP) — Slack is told to come back (503). */
  close(): void;
}

/**
 * HTTP mode: Bolt's `HTTPReceiver`, never started on a port of its own — its request listener is mounted on the
 * process's one server at `POST /slack/events`. `processBeforeResponse`: Slack gets its 200 only after the
 * listener recorded the request (listeners only validate, persist and enqueue, so this takes milliseconds).
 * Socket Mode (`SLACK_APP_TOKEN`): Bolt's `SocketModeReceiver`; nothing is mounted.
 */
export function createSlackReceiver(input: {
  config: Config;
  server: AppServer;
  logger: BoltLogger;
  /** Retries of `apps.connections.open` (Socket Mode's own default is 100). */
  retryConfig: webApi.RetryOptions;
}): SlackReceiver {
  const { config } = input;
  if (config.slackMode === 'socket') {
    const receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN as string,
      logger: input.logger,
      // apps.connections.open goes to SLACK_API_URL too.
      installerOptions: { clientOptions: { slackApiUrl: config.SLACK_API_URL, retryConfig: input.retryConfig } },
    });
    return { receiver, mode: 'socket', close: () => {} };
  }
  const receiver = new HTTPReceiver({
    signingSecret: config.SLACK_SIGNING_SECRET as string,
    endpoints: slackEventsPath,
    processBeforeResponse: true,
    logger: input.logger,
  });
  let open = true;
  input.server.mount((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== slackEventsPath) return false;
    if (!open) {
      sendJson(response, 503, { error: 'Slack is not running in this process' });
      return true;
    }
    if (request.method !== 'POST') {
      sendJson(response, 405, { error: 'Slack sends POST requests here' });
      return true;
    }
    receiver.requestListener(request, response);
    return true;
  });
  return {
    receiver,
    mode: 'http',
    close: () => {
      open = false;
    },
  };
}
