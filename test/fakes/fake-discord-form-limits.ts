import type { FormErrors } from './fake-discord-errors.js';

/** Discord counts characters (code points), not UTF-16 units. */
export const codePoints = (text: string) => [...text].length;

export function maxLength(errors: FormErrors, path: readonly (string | number)[], value: unknown, limit: number): void {
  if (typeof value === 'string' && codePoints(value) > limit) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${limit} or fewer in length.`);
  }
}

export function maxItems(errors: FormErrors, path: readonly (string | number)[], value: unknown, limit: number): void {
  if (Array.isArray(value) && value.length > limit) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${limit} or fewer in length.`);
  }
}
