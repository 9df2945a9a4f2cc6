import { createHash } from 'node:crypto';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { ModelSpec } from '../../core/models/model-spec.js';

/** Discord refuses an autocomplete answer with a choice name or string value over 100 characters. */
export const choiceLimit = 100;

/** What cannot start a model id the catalogue accepts, so a short value is never mistaken for a real id. */
const shortPrefix = 'catalogue#';

const shortValue = (id: string) => `${shortPrefix}${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;

/**
 * The value an autocomplete choice sends for a model: its id, or for an id too long for Discord (an operator's
 * custom model) a short stand-in that {@link modelFromOption} turns back into the id.
 */
export function choiceValue(model: ModelSpec): string {
  return model.id.length <= choiceLimit ? model.id : shortValue(model.id);
}

/** The model a `model` option names: a stand-in from {@link choiceValue} becomes its id; anything else is as typed. */
export function modelFromOption(catalogue: ModelCatalogue, value: string): string {
  if (!value.startsWith(shortPrefix)) return value;
  return catalogue.list().find((model) => shortValue(model.id) === value)?.id ?? value;
}
