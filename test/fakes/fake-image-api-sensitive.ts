import { isObject } from './fake-image-api-fields.js';

/** new-api's default word list (setting/sensitive.go): one placeholder word, so the filter is on but rarely hit. */
export const defaultSensitiveWords = ['test_sensitive'] as const;

/** Keys whose string values are prompt text, in the request shapes new-api reads (its `CombineText`). */
const textKeys = new Set(['prompt', 'text', 'content', 'negative_prompt']);

/**
 * new-api's prompt check: case-insensitive containment of any listed word in the request's text (prompt, message
 * and part texts), before pricing, channel selection or any upstream call.
 */
export function hitsSensitiveWord(body: unknown, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const text = collectText(body, []).join('\n').toLowerCase();
  return words.some((word) => text.includes(word.toLowerCase()));
}

function collectText(value: unknown, into: string[]): string[] {
  if (Array.isArray(value)) for (const item of value) collectText(item, into);
  else if (isObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === 'string' && textKeys.has(key)) into.push(inner);
      else collectText(inner, into);
    }
  }
  return into;
}
