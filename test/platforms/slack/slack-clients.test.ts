import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformApiCall } from '../../../src/core/platform/chat-platform.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createBoltLogger } from '../../../src/platforms/slack/slack-bolt-logger.js';
import { createSlackClients } from '../../../src/platforms/slack/slack-clients.js';
import { slackDefaults } from '../../../src/platforms/slack/slack-config.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/fake-slack.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack?.close();
});

describe('the Slack Web API clients', () => {
  it('tell the API observer of every call: answered, refused, rate limited with its wait', async () => {
    const calls: PlatformApiCall[] = [];
    const clients = createSlackClients({
      token: slack.botToken,
      apiUrl: slack.apiUrl,
      settings: { ...slackDefaults, retryConfig: { retries: 0 } },
      logger: createBoltLogger(createLogger({ level: 'silent' })),
      observer: (call) => calls.push(call),
    });
    await clients.delivery.auth.test();
    slack.failNext('chat.postMessage', 'channel_not_found');
    await expect(clients.delivery.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toBeDefined();
    slack.rateLimitNext('chat.update', 3);
    await expect(clients.status.chat.update({ channel: 'C1', ts: '1.1', text: 'b' })).rejects.toBeDefined();
    await clients.listener.conversations.info({ channel: 'C1' });

    expect(calls).toEqual([
      { platform: 'slack', call: 'auth.test', outcome: 'ok' },
      { platform: 'slack', call: 'chat.postMessage', outcome: 'failed' },
      { platform: 'slack', call: 'chat.update', outcome: 'rate_limited', retryAfterMs: 3000 },
      { platform: 'slack', call: 'conversations.info', outcome: 'ok' },
    ]);
  });
});
