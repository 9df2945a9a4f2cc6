import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'threadpaint-config-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const load = (env: Record<string, string>) => loadConfig({ env, cwd: directory });
const failure = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('starts with no variables at all, offline, with the documented defaults', () => {
    const config = load({});
    expect(config).toMatchObject({
      offline: true,
      DEFAULT_MODEL: 'gemini-2.5-flash-image',
      IMAGE_API_URL: 'https://console.mixroute.io',
      HOST: '127.0.0.1',
      PORT: 3000,
      IMAGE_API_TIMEOUT_MS: 300_000,
      QUOTA_MEMBER_PER_HOUR: 60,
      RETENTION_DAYS: 30,
      ALLOW_PRIVATE_DOWNLOADS: false,
    });
    expect(config.DATA_DIR).toBe(path.join(directory, 'data'));
  });

  it('treats an empty variable as unset and trims base URLs of trailing slashes', () => {
    const config = load({ IMAGE_API_KEY: '', PORT: '', IMAGE_API_URL: 'http://127.0.0.1:9000/' });
    expect(config.offline).toBe(true);
    expect(config.PORT).toBe(3000);
    expect(config.IMAGE_API_URL).toBe('http://127.0.0.1:9000');
  });

  it('reads .env, and a real environment variable wins over it', () => {
    writeFileSync(path.join(directory, '.env'), '# comment\nIMAGE_API_KEY=sk-file\nPORT=4000\nLOG_LEVEL="debug"\n');
    const config = load({ PORT: '5000' });
    expect(config).toMatchObject({ IMAGE_API_KEY: 'sk-file', offline: false, PORT: 5000, LOG_LEVEL: 'debug' });
    expect(config.envFile).toBe(path.join(directory, '.env'));
  });

  it('stops with a message naming each bad variable and how to fix it', () => {
    const message = failure({ PORT: 'eighty', IMAGE_API_URL: 'console.mixroute.io', LOG_LEVEL: 'loud' });
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain('expected a TCP port');
    expect(message).toContain('IMAGE_API_URL="console.mixroute.io"');
    expect(message).toContain('LOG_LEVEL="loud"');
  });

  it('resolves DEFAULT_MODEL aliases and refuses unknown ones', () => {
    expect(load({ DEFAULT_MODEL: 'seedream' }).DEFAULT_MODEL).toBe('doubao-seedream-4-5-251128');
    expect(failure({ DEFAULT_MODEL: 'dall-e-9' })).toContain('DEFAULT_MODEL=dall-e-9 is not a known model');
  });

  it('adds models from IMAGE_MODELS_FILE and explains a broken file', () => {
    writeFileSync(
      path.join(directory, 'models.json'),
      JSON.stringify([{ id: 'gpt-image-1', aliases: ['openai-image'] }]),
    );
    expect(load({ IMAGE_MODELS_FILE: 'models.json' }).catalogue.resolve('openai-image').id).toBe('gpt-image-1');
    writeFileSync(path.join(directory, 'broken.json'), '{');
    expect(failure({ IMAGE_MODELS_FILE: 'broken.json' })).toContain('could not be read as JSON');
    expect(failure({ IMAGE_MODELS_FILE: 'missing.json' })).toContain('IMAGE_MODELS_FILE=');
  });

  it('stops start-up with a sentence when IMAGE_MODELS_FILE passes a bound, so --n 1000 cannot run 1000 generations', () => {
    const file = path.join(directory, 'models.json');
    const refused = (entry: object) => {
      writeFileSync(file, JSON.stringify([entry]));
      return failure({ IMAGE_MODELS_FILE: 'models.json' });
    };
    expect(refused({ id: 'gpt-image-1', maxCount: 1e9 })).toBe(
      `Invalid configuration: IMAGE_MODELS_FILE=${file}: model "gpt-image-1": maxCount: must be at most 10 (images one request may ask for)`,
    );
    expect(refused({ id: 'gpt-image-1', maxOutputsPerCall: 11 })).toContain(
      'maxOutputsPerCall: must be at most 10 (images per upstream call)',
    );
    expect(
      refused({
        id: 'doubao-seedream-3-0-t2i-250415',
        sizing: { kind: 'fixed', separator: 'x', sizes: [{ size: '9000x1024', ratio: '9:1' }] },
      }),
    ).toContain('sizing.sizes.0.size: must be WxH (or W*H) with each side from 1 to 8192 pixels');
    expect(refused({ id: 'gemini-2.5-flash-image', maxOutputBytes: 60_000_000 })).toContain(
      'maxOutputBytes: must be at most 50000000 bytes, 50 MB (per generated image)',
    );
    expect(refused({ id: 'qwen-image-plus', maxInputBytes: 51_000_000 })).toContain(
      'maxInputBytes: must be at most 50000000 bytes, 50 MB (per input image)',
    );
  });

  it('takes GPT_IMAGE_MODERATION=low and refuses other values with the choices', () => {
    expect(load({}).GPT_IMAGE_MODERATION).toBe('auto');
    expect(load({ GPT_IMAGE_MODERATION: 'low' }).GPT_IMAGE_MODERATION).toBe('low');
    expect(failure({ GPT_IMAGE_MODERATION: 'none' })).toContain(
      'GPT_IMAGE_MODERATION="none": must be auto (the default) or low (less restrictive GPT Image filtering)',
    );
  });

  it('runs as many Discord shards as Discord recommends, or the count DISCORD_SHARDS gives, within a bound', () => {
    expect(load({}).DISCORD_SHARDS).toBe('auto');
    expect(load({ DISCORD_SHARDS: 'AUTO' }).DISCORD_SHARDS).toBe('auto');
    expect(load({ DISCORD_SHARDS: '4' }).DISCORD_SHARDS).toBe(4);
    const refusal =
      'must be auto (as many shards as Discord recommends) or a number of shards from 1 to 256, all run by this process';
    for (const value of ['0', '257', '2.5', '0,1', 'many', '-1']) {
      expect(failure({ DISCORD_SHARDS: value })).toContain(`DISCORD_SHARDS=${JSON.stringify(value)}: ${refusal}`);
    }
  });
});
