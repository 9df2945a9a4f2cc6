import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The start-up line for one bad variable, as an operator sees it. */
function lineFor(name: string, value: string): string {
  try {
    loadConfig({ env: { [name]: value }, readEnvFile: false });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const line = error.message.split('\n').find((candidate) => candidate.trim().startsWith(`${name}=`));
    if (line) return line.trim();
    throw new Error(`no line for ${name} in: ${error.message}`);
  }
  throw new Error(`expected ${name}=${value} to be refused`);
}

const occurrences = (text: string, word: string) => text.split(/[^\w-]+/).filter((token) => token === word).length;

describe('configuration errors', () => {
  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-1234-real-user-token'],
    ['SLACK_APP_TOKEN', 'xoxb-9876-bot-token-in-the-wrong-place'],
    ['PLAYGROUND_TOKEN', 'too short secret'],
  ])('never repeats the value of a secret it refuses: %s', (name, value) => {
    const line = lineFor(name, value);
    expect(line.startsWith(`${name}=(hidden): `)).toBe(true);
    expect(line).not.toContain(value);
  });

  it.each([
    ['LOG_LEVEL', 'loud', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']],
    ['LOG_FORMAT', 'text', ['json', 'pretty']],
    ['IMAGE_API_DIALECT', 'one-api', ['documented', 'new-api']],
    ['CONVERSATION_CONTEXT', 'all', ['last-image', 'full']],
    ['ALLOW_PRIVATE_DOWNLOADS', 'maybe', ['true', 'false']],
    ['DISCORD_MESSAGE_CONTENT', 'maybe', ['true', 'false']],
  ])('%s names each allowed value once', (name, value, allowed) => {
    const line = lineFor(name, value);
    expect(line.startsWith(`${name}=${JSON.stringify(value)}: `)).toBe(true);
    for (const word of allowed) expect(occurrences(line, word), `${word} in: ${line}`).toBe(1);
    expect(line).not.toMatch(/Invalid option|expected one of "/);
  });

  it('says in a sentence what a quota takes, not zod’s raw text', () => {
    expect(lineFor('QUOTA_MEMBER_PER_HOUR', '-1')).toBe(
      'QUOTA_MEMBER_PER_HOUR="-1": must be 0 or more cost units per member per hour (0 turns the limit off)',
    );
    expect(lineFor('QUOTA_MEMBER_PER_DAY', 'lots')).toBe(
      'QUOTA_MEMBER_PER_DAY="lots": must be a number of cost units per member per day, e.g. 200 (empty: no limit)',
    );
    expect(lineFor('QUOTA_SERVER_PER_DAY', '-5')).toBe(
      'QUOTA_SERVER_PER_DAY="-5": must be 0 or more cost units per server per day (empty: no limit)',
    );
  });

  it('points at files a clone has, never at the team’s planning notes', () => {
    const line = lineFor('IMAGE_API_DIALECT', 'one-api');
    const cited = [...line.matchAll(/[\w./-]+\.md/g)].map((match) => match[0]);
    expect(cited).toEqual(['docs/image-api.md']);
    expect(existsSync(path.join(root, 'docs/image-api.md'))).toBe(true);
  });
});

describe('ENV_FILE', () => {
  it('reads the named file instead of ./.env, and refuses one that does not exist', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'threadpaint-env-'));
    try {
      writeFileSync(path.join(directory, '.env'), 'PORT=4000\n');
      writeFileSync(path.join(directory, 'other.env'), 'PORT=5000\n');
      expect(loadConfig({ cwd: directory, env: {} }).PORT).toBe(4000);
      expect(loadConfig({ cwd: directory, env: { ENV_FILE: 'other.env' } }).PORT).toBe(5000);
      expect(() => loadConfig({ cwd: directory, env: { ENV_FILE: 'missing.env' } })).toThrow(
        'ENV_FILE=missing.env does not exist',
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
