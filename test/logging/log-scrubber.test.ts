import { describe, expect, it } from 'vitest';
import { createLineScrubber } from '../../src/logging/log-scrubber.js';
import { createLogger } from '../../src/logging/logger.js';

const key = 'sk-live-Zx81"quoted\\slash-0123';
const png = Buffer.alloc(300, 7).toString('base64');

/** What a logger configured with `key` writes for one call. */
function written(log: (logger: ReturnType<typeof createLogger>) => void): string {
  let text = '';
  const logger = createLogger({
    level: 'info',
    secrets: [key, 'short'],
    destination: { write: (line) => (text += line) },
  });
  log(logger);
  return text;
}

describe('every written log line is scrubbed', () => {
  it('removes a configured secret wherever it is, even inside an error message or escaped in JSON', () => {
    const text = written((logger) =>
      logger.error({ err: new Error(`gateway said: bad key ${key}`), detail: { nested: [key] } }, `using ${key}`),
    );
    expect(text).not.toContain('Zx81');
    expect(JSON.parse(text)).toMatchObject({
      msg: 'using [redacted]',
      err: { message: 'gateway said: bad key [redacted]' },
      detail: { nested: ['[redacted]'] },
    });
  });

  it('leaves values too short to be secrets alone, and field-name redaction still applies', () => {
    const text = written((logger) => logger.info({ token: 'abc', word: 'short' }, 'hello'));
    expect(JSON.parse(text)).toMatchObject({ token: '[redacted]', word: 'short' });
  });

  it('replaces data URLs whole and long base64 runs, keeping a sha256 hex readable', () => {
    const hash = 'a'.repeat(64);
    const scrub = createLineScrubber();
    const line = JSON.stringify({
      body: `{"image":"data:image/png;base64,${png}"}`,
      svg: 'data:image/svg+xml,<svg/>',
      raw: png,
      hash,
    });
    const scrubbed = JSON.parse(scrub(line)) as Record<string, string>;
    expect(scrubbed['body']).toBe('{"image":"[redacted image/png data URL]"}');
    expect(scrubbed['svg']).toBe('[redacted image/svg+xml data URL]');
    expect(scrubbed['raw']).toBe(`[redacted ${png.length} base64 characters]`);
    expect(scrubbed['hash']).toBe(hash);
  });
});
