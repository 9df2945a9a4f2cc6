import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/core/image-sentences.js';

describe('formatBytes', () => {
  it('shows limits configured in either convention as round numbers', () => {
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatBytes(7_000_000)).toBe('7 MB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
  });

  it('keeps one decimal below 10 MB and switches to KB below 1 MB', () => {
    expect(formatBytes(6.5 * 1024 * 1024)).toBe('6.5 MB');
    expect(formatBytes(300 * 1024)).toBe('300 KB');
  });
});
