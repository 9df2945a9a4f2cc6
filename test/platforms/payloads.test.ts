import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPayload, payloadNames } from './payloads.js';

/** The text of every test and test helper under test/platforms, where captures are replayed. */
function platformTests(): string {
  const folder = import.meta.dirname;
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && file !== 'payloads.test.ts')
    .map((file) => readFileSync(path.join(folder, file), 'utf8'))
    .join('\n');
}

describe('captured payloads', () => {
  const names = [...payloadNames('discord'), ...payloadNames('slack')];
  const tests = platformTests();

  it('each names the public page it was taken from and is replayed by a platform test', () => {
    expect(names.length).toBeGreaterThanOrEqual(20);
    for (const name of names) {
      const { source, rewritten, event } = JSON.parse(
        readFileSync(path.resolve(import.meta.dirname, '../fixtures/payloads', name), 'utf8'),
      ) as Record<string, string>;
      expect(source, name).toMatch(/^https:\/\//);
      expect(rewritten, name).toBeTruthy();
      expect(event, name).toBeTruthy();
      expect(tests.includes(path.basename(name)), `${name} is replayed`).toBe(true);
    }
  });

  it('refuses to load a capture with a placeholder left unfilled', () => {
    expect(() => loadPayload('discord/message-default.json', { thread: '1' })).toThrow(
      'discord/message-default.json: no value for {{message}}',
    );
  });
});
