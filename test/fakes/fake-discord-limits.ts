import { createFormErrors, entityTooLarge, type FormErrors, tooManyAttachments } from './fake-discord-errors.js';
import type { FakeUploadedFile } from './fake-discord-records.js';

/** IS_COMPONENTS_V2: the message is laid out with the newer components, up to 40 of them, and no content. */
const componentsV2Flag = 1 << 15;

const codePoints = (text: string) => [...text].length;

function maxLength(errors: FormErrors, path: readonly (string | number)[], value: unknown, limit: number): void {
  if (typeof value === 'string' && codePoints(value) > limit) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${limit} or fewer in length.`);
  }
}

function maxItems(errors: FormErrors, path: readonly (string | number)[], value: unknown, limit: number): void {
  if (Array.isArray(value) && value.length > limit) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${limit} or fewer in length.`);
  }
}

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
  maxItems(errors, [...path, 'embeds'], body['embeds'], 10);
  checkComponents(errors, body['components'], Number(body['flags'] ?? 0), [...path, 'components']);
  errors.throwIfAny();
  const attachments = body['attachments'];
  if (files.length > 10 || (Array.isArray(attachments) && attachments.length > 10)) throw tooManyAttachments();
  if (files.some((file) => file.bytes.byteLength > sizeLimit)) throw entityTooLarge();
}

/** Legacy layout: ≤ 5 action rows of ≤ 5 components each; any custom_id ≤ 100 characters; v2: ≤ 40 in all. */
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
