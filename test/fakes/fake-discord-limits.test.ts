import { describe, expect, it } from 'vitest';
import { DiscordApiFailure } from './fake-discord-errors.js';
import { checkAutocomplete, checkMessageLimits, checkModal } from './fake-discord-limits.js';

function refusal(check: () => void): unknown {
  try {
    check();
  } catch (error) {
    if (error instanceof DiscordApiFailure) return error.body;
    throw error;
  }
  return undefined;
}

describe('fake Discord: limits the spec does not state', () => {
  it('refuses autocomplete choices over 25, or with a name or value over 100 characters', () => {
    const choice = (value: string) => ({ name: 'a model', value });
    expect(refusal(() => checkAutocomplete({ choices: [choice('x'.repeat(100))] }))).toBeUndefined();
    expect(refusal(() => checkAutocomplete({ choices: [choice('x'.repeat(101))] }))).toMatchObject({
      code: 50035,
      errors: { data: { choices: { 0: { value: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } },
    });
    expect(refusal(() => checkAutocomplete({ choices: Array(26).fill(choice('a')) }))).toMatchObject({ code: 50035 });
  });

  it('refuses an embed over its limits and embeds over 6,000 characters in all', () => {
    expect(refusal(() => checkMessageLimits({ embeds: [{ title: 't'.repeat(257) }] }, [], 1e6))).toMatchObject({
      errors: { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } },
    });
    const big = { description: 'd'.repeat(4000) };
    expect(refusal(() => checkMessageLimits({ embeds: [big, big] }, [], 1e6))).toMatchObject({
      errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } },
    });
  });

  it('refuses a button label over 80 and a text input label over 45', () => {
    const row = { type: 1, components: [{ type: 2, style: 1, label: 'l'.repeat(81), custom_id: 'b' }] };
    expect(refusal(() => checkMessageLimits({ components: [row] }, [], 1e6))).toMatchObject({ code: 50035 });
    const input = { type: 4, custom_id: 'i', style: 2, label: 'l'.repeat(46) };
    expect(
      refusal(() => checkModal({ custom_id: 'm', title: 'Edit', components: [{ type: 1, components: [input] }] })),
    ).toMatchObject({ code: 50035 });
  });
});
