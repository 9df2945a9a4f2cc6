import { describe, expect, it, vi } from 'vitest';
import { httpRequest } from '../../support/http-request.js';
import { listenWithHealth, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();

describe('Discord, as the operator sees it', () => {
  it('times each interaction from its arrival on the gateway to its acknowledgement', async () => {
    const acks: Array<{ platform: string; seconds: number }> = [];
    const harness = await harnesses.start({ start: false });
    await harness.startBot({ onAck: (ack) => acks.push(ack) });
    await harness.result(harness.imagine('a paper boat'));
    expect(acks).toHaveLength(1);
    expect(acks[0]?.platform).toBe('discord');
    expect(acks[0]?.seconds).toBeGreaterThanOrEqual(0);
    expect(acks[0]?.seconds).toBeLessThan(3);
  });

  it('answers /healthz 503 naming Discord once its gateway is gone, 200 while it is ready', async () => {
    const harness = await harnesses.start();
    const { platform } = harness.bot;
    const server = await listenWithHealth(harness);
    const { url } = server;
    try {
      const healthy = await httpRequest(`${url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(JSON.parse(healthy.body)).toMatchObject({ ok: true, connections: { discord: { connected: true } } });

      // Discord closes the session for good (authentication failed): discord.js does not come back by itself.
      harness.fake.closeGateway(4004, 'Authentication failed.');
      await vi.waitFor(() => expect(platform.health().connected).toBe(false), { timeout: 10_000 });
      const failing = await httpRequest(`${url}/healthz`);
      expect(failing.status).toBe(503);
      expect(JSON.parse(failing.body)).toMatchObject({
        ok: false,
        failing: ['platform:discord'],
        connections: { discord: { connected: false, detail: 'gateway not ready (shard 0 disconnected)' } },
      });
    } finally {
      await server.close();
    }
  });
});
