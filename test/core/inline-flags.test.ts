import { describe, expect, it } from 'vitest';
import { parseInlineFlags } from '../../src/core/inline-flags.js';
import type { UserFacingError } from '../../src/core/user-facing-error.js';

const failure = (text: string) => {
  try {
    parseInlineFlags(text);
  } catch (error) {
    return error as UserFacingError;
  }
  throw new Error(`expected "${text}" to fail`);
};

describe('parseInlineFlags', () => {
  it('takes the flags out of the prompt wherever they stand', () => {
    expect(parseInlineFlags('--ar 16:9 a lighthouse --seed 42 at dusk --model nano-banana')).toEqual({
      prompt: 'a lighthouse at dusk',
      flags: { aspectRatio: '16:9', seed: 42, model: 'nano-banana' },
    });
  });

  it('reads aliases, = values and quoted values', () => {
    expect(parseInlineFlags('a fox --aspect=3:2 --count 2 --quality "high" --size 2K')).toEqual({
      prompt: 'a fox',
      flags: { aspectRatio: '3:2', count: 2, quality: 'high', size: '2K' },
    });
  });

  it('lets --no take every word up to the next flag', () => {
    expect(parseInlineFlags('a forest --no snow, people --n 3')).toEqual({
      prompt: 'a forest',
      flags: { negativePrompt: 'snow, people', count: 3 },
    });
    expect(parseInlineFlags('a forest --no "trees --ar"').flags.negativePrompt).toBe('trees --ar');
  });

  it('treats a phone-typed em dash before a known flag as a flag, and leaves other dashes alone', () => {
    expect(parseInlineFlags('a boat —ar 16:9')).toEqual({ prompt: 'a boat', flags: { aspectRatio: '16:9' } });
    expect(parseInlineFlags('a boat —calm sea— at night').prompt).toBe('a boat —calm sea— at night');
  });

  it('keeps quoted text and numbers after double dashes in the prompt', () => {
    expect(parseInlineFlags('a sign that says "--ar" and --2 degrees').prompt).toBe(
      'a sign that says "--ar" and --2 degrees',
    );
  });

  it('rejects an unknown flag, naming the flags it knows', () => {
    const error = failure('a cat --stylize 100');
    expect(error.code).toBe('unknown_flag');
    expect(error.message).toContain('--stylize');
    expect(error.message).toContain('--ar');
  });

  it('rejects a flag without a value with an example', () => {
    const error = failure('a cat --seed');
    expect(error.code).toBe('flag_without_value');
    expect(error.message).toContain('--seed 42');
    expect(failure('a cat --n --seed 3').code).toBe('flag_without_value');
  });

  it('rejects non-numbers for --n and --seed, and a flag given twice', () => {
    expect(failure('a cat --n two').code).toBe('bad_number');
    expect(failure('a cat --seed 1.5').message).toContain('whole number');
    expect(failure('a cat --ar 1:1 --aspect 2:3').code).toBe('duplicate_flag');
  });

  it('refuses control characters anywhere in the text (the CLI and every platform parse through here)', () => {
    expect(failure('a cat --seed 4\u0000')).toMatchObject({ code: 'control_character' });
    expect(failure('\u0007a cat').message).toMatch(/\(U\+0007\) at character 1; only line breaks and tabs/);
    expect(failure('a cat\u007f').code).toBe('control_character');
    expect(parseInlineFlags('a cat\r\non a mat\twith a hat').prompt).toContain('a cat');
  });

  it('parses negative numbers so validation can say what is wrong with them', () => {
    expect(parseInlineFlags('a cat --seed -1').flags.seed).toBe(-1);
  });

  it('reads --background with a value, and --extend and --mask as switches that never take the next word', () => {
    expect(parseInlineFlags('a sticker --background transparent of a cat --extend --mask')).toEqual({
      prompt: 'a sticker of a cat',
      flags: { background: 'transparent', extend: true, mask: true },
    });
    expect(parseInlineFlags('--mask a red door --bg opaque --extend=off')).toEqual({
      prompt: 'a red door',
      flags: { mask: true, background: 'opaque', extend: false },
    });
  });

  it('refuses a switch with a value it does not know', () => {
    const error = failure('a cat --extend=maybe');
    expect(error.code).toBe('bad_switch');
    expect(error.message).toBe('`--extend` is a switch: write `--extend` alone, or `--extend=off`.');
  });
});
