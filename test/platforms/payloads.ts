import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const folder = path.resolve(import.meta.dirname, '../fixtures/payloads');

/** One captured payload (`test/fixtures/payloads/<platform>/<name>.json`) with where it was published. */
export interface CapturedPayload<T = Record<string, unknown>> {
  readonly source: string;
  readonly rewritten: string;
  readonly event: string;
  readonly payload: T;
}

export type PayloadIds = Readonly<Record<string, string | number>>;

/**
 * Reads a captured payload and puts the fakes' ids in place of its `{{name}}` placeholders: a string that is only a
 * placeholder takes the value as is (a number stays a number), a placeholder inside text is replaced in it. A
 * placeholder without a value is an error, so a capture never reaches the bot half-rewritten.
 */
export function loadPayload<T = Record<string, unknown>>(name: string, ids: PayloadIds = {}): CapturedPayload<T> {
  const captured = JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as CapturedPayload<unknown>;
  return { ...captured, payload: rewrite(captured.payload, ids, name) as T };
}

/** Every captured payload of a platform, by file name (the README lists them). */
export function payloadNames(platform: 'discord' | 'slack'): string[] {
  return readdirSync(path.join(folder, platform))
    .filter((file) => file.endsWith('.json'))
    .map((file) => `${platform}/${file}`);
}

function rewrite(value: unknown, ids: PayloadIds, name: string): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole?.[1] !== undefined) return idFor(whole[1], ids, name);
    return value.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => String(idFor(key, ids, name)));
  }
  if (Array.isArray(value)) return value.map((item) => rewrite(item, ids, name));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewrite(item, ids, name)]));
  }
  return value;
}

function idFor(key: string, ids: PayloadIds, name: string): string | number {
  const id = ids[key];
  if (id === undefined) throw new Error(`${name}: no value for {{${key}}}`);
  return id;
}
