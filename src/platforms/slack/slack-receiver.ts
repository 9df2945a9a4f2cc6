import { type Logger as BoltLogger, HTTPReceiver, type Receiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { PlatformAckObserver } from '../../core/platform/chat-platform.js';
import { type AppServer, sendJson } from '../../server/http-server.js';

export const slackEventsPath = '/slack/events';

export interface SlackReceiver {
  readonly receiver: Receiver;
  readonly mode: 'http' | 'socket';
  /** Mounted on the server and answering (HTTP), or with a live Socket Mode connection. */
  connected(): boolean;
  /** Stops answering on the shared server (HTTP) — Slack is told to come back (503). */
  close(): void;
}

/**
 * HTTP mode: Bolt's `HTTPReceiver`, never started on a port of its own — its request listener is mounted on the
 * process's one server at `POST /slack/events`. `processBeforeResponse`: Slack gets its 200 only after the
 * listener recorded the request (listeners only validate, persist and enqueue, so this takes milliseconds).
 * Socket Mode (an app token): Bolt's `SocketModeReceiver`; nothing is mounted.
 */
export function createSlackReceiver(input: {
  readonly signingSecret?: string;
  readonly appToken?: string;
  readonly apiUrl: string;
  readonly server?: AppServer;
  readonly logger: BoltLogger;
  /** Retries of `apps.connections.open` (Socket Mode's own default is 100). */
  readonly retryConfig: webApi.RetryOptions;
  /** Told how long each event or command took to be answered (HTTP mode: the 200 Slack waits for). */
  readonly onAck?: PlatformAckObserver;
}): SlackReceiver {
  if (input.appToken) {
    const receiver = new SocketModeReceiver({
      appToken: input.appToken,
      logger: input.logger,
      // apps.connections.open goes to SLACK_API_URL too.
      installerOptions: { clientOptions: { slackApiUrl: input.apiUrl, retryConfig: input.retryConfig } },
    });
    let live = false;
    receiver.client.on('connected', () => {
      live = true;
    });
    for (const state of ['disconnected', 'reconnecting']) {
      receiver.client.on(state, () => {
        live = false;
      });
    }
    return { receiver, mode: 'socket', connected: () => live, close: () => {} };
  }
  if (!input.signingSecret || !input.server) {
    throw new Error('Slack over HTTP needs the signing secret and the HTTP server to mount its events on');
  }
  const receiver = new HTTPReceiver({
    signingSecret: input.signingSecret,
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
    if (input.onAck) {
      const arrived = performance.now();
      const onAck = input.onAck;
      response.once('finish', () => onAck({ platform: 'slack', seconds: (performance.now() - arrived) / 1000 }));
    }
    receiver.requestListener(request, response);
    return true;
  });
  return {
    receiver,
    mode: 'http',
    connected: () => open,
    close: () => {
      open = false;
    },
  };
}
