import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

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
const token = 'scrape-0123456789abcdef';

describe('METRICS, METRICS_TOKEN and METRICS_PUBLIC', () => {
  it('serves /metrics on loopback by default, and off loopback only with a token or when declared public', () => {
    expect(load({}).metricsEnabled).toBe(true);
    expect(load({ METRICS: 'false' }).metricsEnabled).toBe(false);
    // Off loopback with nothing said, metrics are simply off (the Docker image listens on 0.0.0.0).
    expect(load({ HOST: '0.0.0.0', PLAYGROUND: 'false' }).metricsEnabled).toBe(false);
    expect(load({ HOST: '0.0.0.0', PLAYGROUND: 'false', METRICS_TOKEN: token }).metricsEnabled).toBe(true);
    expect(load({ HOST: '0.0.0.0', PLAYGROUND: 'false', METRICS_PUBLIC: 'true' }).metricsEnabled).toBe(true);
  });

  it('refuses METRICS=true off loopback without a token, in a sentence naming the ways out', () => {
    const message = failure({ HOST: '0.0.0.0', PLAYGROUND: 'false', METRICS: 'true' });
    expect(message).toMatch(/HOST=0\.0\.0\.0 is not a loopback address, so \/metrics would be open to the network/);
    expect(message).toMatch(/set METRICS_TOKEN .*, or METRICS_PUBLIC=true .*, or METRICS=false/);
  });

  it('takes only a token that is long enough, and never repeats it', () => {
    expect(failure({ METRICS_TOKEN: 'short' })).toMatch(/METRICS_TOKEN=\(hidden\): must be at least 16 characters/);
  });
});
