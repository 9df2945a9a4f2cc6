import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { isLoopbackHost } from '../../src/config/loopback-host.js';

const load = (env: Record<string, string>) => loadConfig({ env, readEnvFile: false });
const failure = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };
const token = 'c0ffee-0123456789abcdef';

describe('PLAYGROUND and PLAYGROUND_TOKEN', () => {
  it('serves the playground by default only when no chat platform is enabled', () => {
    expect(load({}).playgroundEnabled).toBe(true);
    expect(load({ ...slack }).playgroundEnabled).toBe(false);
    expect(load({ DISCORD_TOKEN: 'x' }).playgroundEnabled).toBe(false);
    expect(load({ ...slack, PLAYGROUND: 'true' }).playgroundEnabled).toBe(true);
    expect(load({ PLAYGROUND: 'false' }).playgroundEnabled).toBe(false);
  });

  it('refuses to start a playground off loopback without a token, in a sentence naming PLAYGROUND_TOKEN', () => {
    const message = failure({ HOST: '0.0.0.0' });
    expect(message).toMatch(/HOST=0\.0\.0\.0 is not a loopback address/);
    expect(message).toMatch(/set PLAYGROUND_TOKEN/);
    expect(failure({ HOST: '::', ...slack, PLAYGROUND: 'true' })).toMatch(/PLAYGROUND_TOKEN/);
    expect(load({ HOST: '0.0.0.0', PLAYGROUND_TOKEN: token }).PLAYGROUND_TOKEN).toBe(token);
    // Off, or beside a platform by default: nothing to protect, so no token is needed (the Docker image's case).
    expect(load({ HOST: '0.0.0.0', PLAYGROUND: 'false' }).playgroundEnabled).toBe(false);
    expect(load({ HOST: '0.0.0.0', ...slack }).playgroundEnabled).toBe(false);
  });

  it('takes only a token that is long enough and has no spaces', () => {
    expect(failure({ PLAYGROUND_TOKEN: 'short' })).toMatch(
      /PLAYGROUND_TOKEN=\(hidden\): must be at least 16 characters/,
    );
    expect(failure({ PLAYGROUND_TOKEN: 'has spaces in the middle' })).toMatch(/printable ASCII without spaces/);
    expect(failure({ PLAYGROUND: 'maybe' })).toMatch(/PLAYGROUND="maybe": must be true or false/);
  });

  it('knows which listening addresses are loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.org', '::ffff:10.0.0.1', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
