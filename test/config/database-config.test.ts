import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const load = (env: Record<string, string>) => loadConfig({ env, readEnvFile: false });
const refusal = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe('DATABASE_URL and DATABASE_SCHEMA', () => {
  it('keeps SQLite by default and takes a postgres URL with schema public unless one is named', () => {
    expect(load({}).DATABASE_URL).toBeUndefined();
    const config = load({ DATABASE_URL: 'postgres://threadpaint:pw@db.internal:5432/threadpaint' });
    expect(config.DATABASE_URL).toBe('postgres://threadpaint:pw@db.internal:5432/threadpaint');
    expect(config.DATABASE_SCHEMA).toBe('public');
    expect(load({ DATABASE_URL: 'postgresql://db/threadpaint', DATABASE_SCHEMA: 'bot_eu' }).DATABASE_SCHEMA).toBe(
      'bot_eu',
    );
  });

  it('refuses a URL that is not postgres:// in a sentence that never repeats it (it may hold a password)', () => {
    const message = refusal({ DATABASE_URL: 'mysql://root:hunter2@db/threadpaint' });
    expect(message).toContain(
      'DATABASE_URL=(hidden): must be a postgres:// URL such as postgres://threadpaint:password@127.0.0.1:5432/threadpaint',
    );
    expect(message).not.toContain('hunter2');
  });

  it.each(['Public', 'bot-eu', '1bot', 'a'.repeat(64), 'x"; DROP SCHEMA public; --'])(
    'refuses the schema name %j',
    (name) => {
      expect(refusal({ DATABASE_SCHEMA: name })).toContain(
        'must be a schema name of lowercase letters, digits and _ (at most 63, not starting with a digit)',
      );
    },
  );
});
