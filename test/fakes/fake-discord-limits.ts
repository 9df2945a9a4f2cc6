import { checkEmbeds } from './fake-discord-embed-limits.js';
import { createFormErrors, entityTooLarge, type FormErrors, tooManyAttachments } from './fake-discord-errors.js';
import { maxItems, maxLength } from './fake-discord-form-limits.js';
import type { FakeUploadedFile } from './fake-discord-records.js';

/** IS_COMPONENTS_V2: the message is laid out with the newer components, up to 40 of them, and no content. */
const componentsV2Flag = 1 << 15;

/**
 * Discord's limits on a message a bot creates or edits, whether or not the spec says so: at most 10 files and
 * attachments (30015), each file within `sizeLimit` (413/40005), content ≤ 2000 characters (bots; the spec allows
 * 4000), ≤ 10 embeds, and the component rules below (400/50035).
 */
export function checkMessageLimits(
  body: Record<string, unknown>,
  files: readonly FakeUploadedFile[],
  sizeLimit: number,
  path: readonly (string | number)[] = [],
): void {
  const errors = createFormErrors();
  maxLength(errors, [...path, 'content'], body['content'], 2000);
  checkEmbeds(errors, body['embeds'], [...path, 'embeds']);
  checkComponents(errors, body['components'], Number(body['flags'] ?? 0), [...path, 'components']);
  errors.throwIfAny();
  const attachments = body['attachments'];
  if (files.length > 10 || (Array.isArray(attachments) && attachments.length > 10)) throw tooManyAttachments();
  if (files.some((file) => file.bytes.byteLength > sizeLimit)) throw entityTooLarge();
}

/**
 * Legacy layout: ≤ 5 action rows of ≤ 5 components each; v2: ≤ 40 in all. Any custom_id ≤ 100 characters, a
 * button's label ≤ 80; a text input's label ≤ 45, placeholder ≤ 100, value and max_length ≤ 4000.
 */
export function checkComponents(
  errors: FormErrors,
  components: unknown,
  flags: number,
  path: readonly (string | number)[],
): void {
  if (!Array.isArray(components)) return;
  maxItems(errors, path, components, (flags & componentsV2Flag) !== 0 ? 40 : 5);
  const visit = (component: unknown, at: readonly (string | number)[]) => {
    if (typeof component !== 'object' || component === null) return;
    const record = component as Record<string, unknown>;
    maxLength(errors, [...at, 'custom_id'], record['custom_id'], 100);
    if (record['type'] === 2) maxLength(errors, [...at, 'label'], record['label'], 80);
    if (record['type'] === 4) checkTextInput(errors, record, at);
    if (record['type'] === 1) maxItems(errors, [...at, 'components'], record['components'], 5);
    if (Array.isArray(record['components'])) {
      for (const [index, child] of record['components'].entries()) visit(child, [...at, 'components', index]);
    }
    if (record['component'] !== undefined) visit(record['component'], [...at, 'component']);
    if (record['accessory'] !== undefined) visit(record['accessory'], [...at, 'accessory']);
  };
  for (const [index, component] of components.entries()) visit(component, [...path, index]);
}

/** Thread names are 1–100 characters; auto-archive is one of 60, 1440, 4320, 10080 minutes. */
export function checkThreadFields(body: Record<string, unknown>): void {
  const errors = createFormErrors();
  const name = body['name'];
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    errors.add(['name'], 'BASE_TYPE_REQUIRED', 'This field is required');
  }
  maxLength(errors, ['name'], name, 100);
  const duration = body['auto_archive_duration'];
  if (duration !== undefined && duration !== null && ![60, 1440, 4320, 10080].includes(Number(duration))) {
    errors.add(['auto_archive_duration'], 'BASE_TYPE_CHOICES', 'Value must be one of {60, 1440, 4320, 10080}.');
  }
  errors.throwIfAny();
}

/** A modal: custom_id ≤ 100, title ≤ 45, 1–5 top-level components. */
export function checkModal(data: Record<string, unknown>): void {
  const errors = createFormErrors();
  maxLength(errors, ['data', 'custom_id'], data['custom_id'], 100);
  maxLength(errors, ['data', 'title'], data['title'], 45);
  maxItems(errors, ['data', 'components'], data['components'], 5);
  checkComponents(errors, data['components'], componentsV2Flag, ['data', 'components']);
  errors.throwIfAny();
}

function checkTextInput(errors: FormErrors, input: Record<string, unknown>, at: readonly (string | number)[]): void {
  maxLength(errors, [...at, 'label'], input['label'], 45);
  maxLength(errors, [...at, 'placeholder'], input['placeholder'], 100);
  maxLength(errors, [...at, 'value'], input['value'], 4000);
  const most = input['max_length'];
  if (most !== undefined && (typeof most !== 'number' || most < 1 || most > 4000)) {
    errors.add([...at, 'max_length'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 4000.');
  }
}

/** Autocomplete answers (callback 8): ≤ 25 choices, each name 1–100 characters and a string value ≤ 100. */
export function checkAutocomplete(data: Record<string, unknown>): void {
  const errors = createFormErrors();
  const choices = data['choices'];
  maxItems(errors, ['data', 'choices'], choices, 25);
  for (const [index, choice] of (Array.isArray(choices) ? choices : []).entries()) {
    const at = ['data', 'choices', index];
    const { name, value } = (choice ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0)
      errors.add([...at, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
    maxLength(errors, [...at, 'name'], name, 100);
    maxLength(errors, [...at, 'value'], value, 100);
  }
  errors.throwIfAny();
}
