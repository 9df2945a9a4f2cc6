import type { ErrorObject } from 'ajv/dist/2020.js';

export interface FieldError {
  readonly path: string[];
  readonly code: string;
  readonly message: string;
}

const unionKeywords = new Set(['anyOf', 'oneOf', 'allOf', 'if']);
const valueKeywords = new Set([
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maximum',
  'minimum',
  'pattern',
  'format',
  'type',
  'enum',
  'const',
  'uniqueItems',
  'maxProperties',
]);

/**
 * Ajv reports every failed branch of a union. Keep what a reader needs, as Discord would: value errors (a length, a
 * range, a choice) beat "required", which beats everything else; a branch's `type` discriminator mismatch and a
 * "must be null" alternative only count when nothing better is left; of those kept, the deepest win.
 */
export function relevantErrors(errors: readonly ErrorObject[]): FieldError[] {
  const leaves = errors.filter((error) => !unionKeywords.has(error.keyword));
  const isNoise = (error: ErrorObject) =>
    (error.keyword === 'type' && error.params['type'] === 'null') ||
    ((error.keyword === 'enum' || error.keyword === 'const') && error.instancePath.endsWith('/type'));
  const values = leaves.filter((error) => valueKeywords.has(error.keyword) && !isNoise(error));
  const required = leaves.filter((error) => error.keyword === 'required');
  const chosen = values.length > 0 ? values : required.length > 0 ? required : leaves.length > 0 ? leaves : errors;
  const fields = chosen.map(toFieldError);
  const depth = Math.max(...fields.map((field) => field.path.length));
  return mergeChoices(fields.filter((field) => field.path.length === depth));
}

function toFieldError(error: ErrorObject): FieldError {
  const path = error.instancePath.split('/').slice(1);
  const limit = error.params['limit'];
  switch (error.keyword) {
    case 'required':
      return {
        path: [...path, String(error.params['missingProperty'])],
        code: 'BASE_TYPE_REQUIRED',
        message: 'This field is required',
      };
    case 'maxLength':
    case 'maxItems':
      return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` };
    case 'minLength':
    case 'minItems':
      return { path, code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${limit} or more in length.` };
    case 'maximum':
      return { path, code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${limit}.` };
    case 'minimum':
      return { path, code: 'NUMBER_TYPE_MIN', message: `int value should be greater than or equal to ${limit}.` };
    case 'enum':
    case 'const': {
      const allowed = (error.params['allowedValues'] as unknown[] | undefined) ?? [error.params['allowedValue']];
      return { path, code: 'BASE_TYPE_CHOICES', message: allowed.map((value) => JSON.stringify(value)).join(', ') };
    }
    default:
      return {
        path,
        code: `BASE_TYPE_${error.keyword.toUpperCase()}`,
        message: `Value ${error.message ?? 'invalid'}.`,
      };
  }
}

/** A union of constants (60 | 1440 | …) fails once per constant: say it once, with every choice. */
function mergeChoices(fields: readonly FieldError[]): FieldError[] {
  const merged = new Map<string, FieldError>();
  for (const field of fields) {
    const key = `${field.path.join('/')}|${field.code}`;
    const previous = merged.get(key);
    if (field.code !== 'BASE_TYPE_CHOICES') {
      if (!previous) merged.set(key, field);
      continue;
    }
    const choices = previous ? `${previous.message}, ${field.message}` : field.message;
    merged.set(key, { ...field, message: choices });
  }
  return [...merged.values()].map((field) =>
    field.code === 'BASE_TYPE_CHOICES' ? { ...field, message: `Value must be one of {${field.message}}.` } : field,
  );
}
