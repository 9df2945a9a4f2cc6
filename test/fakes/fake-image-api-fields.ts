import { checkImageReference, describe } from './fake-image-api-images.js';
import type { FakeFamily } from './fake-image-api-types.js';

export type Body = Readonly<Record<string, unknown>>;

/** Collects what is wrong with one request body; each helper ignores a field that is absent. */
export class Problems {
  readonly list: string[] = [];

  add(problem: string | undefined): void {
    if (problem !== undefined) this.list.push(problem);
  }

  oneOf(body: Body, key: string, allowed: readonly unknown[], where = key): void {
    const value = body[key];
    if (value !== undefined && !allowed.includes(value)) {
      this.add(`${where} must be one of ${allowed.join(' | ')}, got ${describe(value)}`);
    }
  }

  integer(body: Body, key: string, min: number, max: number, where = key): void {
    const value = body[key];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
      this.add(`${where} must be an integer in ${min}..${max}, got ${describe(value)}`);
    }
  }

  number(body: Body, key: string, min: number, max: number, where = key): void {
    const value = body[key];
    if (value !== undefined && !(typeof value === 'number' && value >= min && value <= max)) {
      this.add(`${where} must be a number in ${min}..${max}, got ${describe(value)}`);
    }
  }

  type(body: Body, key: string, type: 'boolean' | 'string', where = key): void {
    const value = body[key];
    if (value !== undefined && typeof value !== type) this.add(`${where} must be a ${type}, got ${describe(value)}`);
  }

  /** `image`: one reference or a non-empty array of them; returns how many. */
  images(value: unknown, family: FakeFamily): number {
    if (value === undefined) return 0;
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0) this.add('image must not be an empty array');
    list.forEach((entry, index) => {
      this.add(checkImageReference(entry, family, Array.isArray(value) ? `image[${index}]` : 'image'));
    });
    return list.length;
  }

  /**
   * Gemini-shaped `contents`: turns of `{role, parts}`, each part `{text}` or `{image: "<data or https URL>"}`.
   * Returns the parts of every turn, in order, for family-specific rules.
   */
  contents(value: unknown, family: FakeFamily): Body[][] {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.length === 0) {
      this.add(`contents must be a non-empty array, got ${describe(value)}`);
      return [];
    }
    return value.map((turn: unknown, turnIndex) => {
      const where = `contents[${turnIndex}]`;
      if (!isObject(turn) || !Array.isArray(turn['parts']) || turn['parts'].length === 0) {
        this.add(`${where} must be {role, parts: [...]} with at least one part, got ${describe(turn)}`);
        return [];
      }
      this.oneOf(turn, 'role', ['user', 'model'], `${where}.role`);
      return turn['parts'].map((part: unknown, partIndex) => {
        const partWhere = `${where}.parts[${partIndex}]`;
        if (!isObject(part)) {
          this.add(`${partWhere} must be an object, got ${describe(part)}`);
          return {};
        }
        const keys = Object.keys(part);
        if (keys.length !== 1 || (keys[0] !== 'text' && keys[0] !== 'image')) {
          this.add(`${partWhere} must be exactly {text} or {image} (image is a plain string), got keys ${keys}`);
        } else if (keys[0] === 'text') {
          this.type(part, 'text', 'string', `${partWhere}.text`);
        } else {
          this.add(checkImageReference(part['image'], family, `${partWhere}.image`));
        }
        return part;
      });
    });
  }
}

export function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
