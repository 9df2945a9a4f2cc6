import type { FormErrors } from './fake-discord-errors.js';
import { codePoints, maxItems, maxLength } from './fake-discord-form-limits.js';

type Path = readonly (string | number)[];
type Json = Record<string, unknown>;

const objectAt = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/**
 * Discord's embed limits (docs: resources/message, "Embed Limits"): ≤ 10 embeds; title and author name ≤ 256,
 * description ≤ 4096, ≤ 25 fields of name ≤ 256 and value ≤ 1024, footer text ≤ 2048, and ≤ 6000 characters across
 * all of a message's embeds.
 */
export function checkEmbeds(errors: FormErrors, embeds: unknown, path: Path): void {
  if (!Array.isArray(embeds)) return;
  maxItems(errors, path, embeds, 10);
  let total = 0;
  const text = (at: Path, value: unknown, limit: number) => {
    maxLength(errors, at, value, limit);
    if (typeof value === 'string') total += codePoints(value);
  };
  for (const [index, raw] of embeds.entries()) {
    const embed = objectAt(raw) ?? {};
    const at = [...path, index];
    text([...at, 'title'], embed['title'], 256);
    text([...at, 'description'], embed['description'], 4096);
    text([...at, 'author', 'name'], objectAt(embed['author'])?.['name'], 256);
    text([...at, 'footer', 'text'], objectAt(embed['footer'])?.['text'], 2048);
    maxItems(errors, [...at, 'fields'], embed['fields'], 25);
    for (const [fieldIndex, field] of (Array.isArray(embed['fields']) ? embed['fields'] : []).entries()) {
      text([...at, 'fields', fieldIndex, 'name'], objectAt(field)?.['name'], 256);
      text([...at, 'fields', fieldIndex, 'value'], objectAt(field)?.['value'], 1024);
    }
  }
  if (total > 6000) errors.add(path, 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}
