/**
 * Block Kit's element and text-object limits (docs.slack.dev/reference/block-kit/composition-objects and
 * block-elements): what a block may contain, checked the way Slack refuses it.
 */

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function textObject(value: unknown, where: string, max: number, problems: string[], plainOnly = false): void {
  if (!isObject(value)) return void problems.push(`${where}: a text object is required`);
  if (value['type'] !== 'plain_text' && (plainOnly || value['type'] !== 'mrkdwn')) {
    problems.push(`${where}: type must be ${plainOnly ? 'plain_text' : 'plain_text or mrkdwn'}`);
  }
  const text = value['text'];
  if (typeof text !== 'string' || text.length === 0) problems.push(`${where}: text must be a non-empty string`);
  else if (text.length > max) problems.push(`${where}: text is ${text.length} characters, more than ${max}`);
}

export function button(element: Json, where: string, problems: string[]): void {
  textObject(element['text'], `${where}.text`, 75, problems, true);
  const actionId = element['action_id'];
  if (typeof actionId !== 'string' || actionId.length === 0 || actionId.length > 255) {
    problems.push(`${where}: action_id must be 1-255 characters`);
  }
  const value = element['value'];
  if (value !== undefined && (typeof value !== 'string' || value.length > 2000)) {
    problems.push(`${where}: value must be a string of at most 2000 characters`);
  }
  const url = element['url'];
  if (url !== undefined && (typeof url !== 'string' || url.length > 3000)) {
    problems.push(`${where}: url must be a string of at most 3000 characters`);
  }
  const style = element['style'];
  if (style !== undefined && style !== 'primary' && style !== 'danger')
    problems.push(`${where}: bad style ${String(style)}`);
  const confirm = element['confirm'];
  if (confirm !== undefined) {
    if (!isObject(confirm)) return void problems.push(`${where}.confirm must be an object`);
    textObject(confirm['title'], `${where}.confirm.title`, 100, problems, true);
    textObject(confirm['text'], `${where}.confirm.text`, 300, problems);
    textObject(confirm['confirm'], `${where}.confirm.confirm`, 30, problems, true);
    textObject(confirm['deny'], `${where}.confirm.deny`, 30, problems, true);
  }
}

/** A section's `fields`: 1-10 text objects of at most 2000 characters each. */
export function sectionFields(fields: unknown, where: string, problems: string[]): void {
  if (!Array.isArray(fields) || fields.length === 0 || fields.length > 10) {
    return void problems.push(`${where}: fields must hold 1-10 text objects`);
  }
  for (const [index, field] of fields.entries()) textObject(field, `${where}[${index}]`, 2000, problems);
}

/** A modal's `plain_text_input`: an action_id, a placeholder of at most 150, max_length at most 3000. */
export function textInput(element: unknown, where: string, problems: string[]): void {
  if (!isObject(element) || element['type'] !== 'plain_text_input') {
    return void problems.push(`${where}: element must be a plain_text_input`);
  }
  const actionId = element['action_id'];
  if (typeof actionId !== 'string' || actionId.length === 0 || actionId.length > 255) {
    problems.push(`${where}: action_id must be 1-255 characters`);
  }
  if (element['placeholder'] !== undefined)
    textObject(element['placeholder'], `${where}.placeholder`, 150, problems, true);
  const maxLength = element['max_length'];
  if (maxLength !== undefined && (typeof maxLength !== 'number' || maxLength > 3000)) {
    problems.push(`${where}: max_length must be at most 3000`);
  }
  const initial = element['initial_value'];
  if (initial !== undefined && (typeof initial !== 'string' || initial.length > 3000)) {
    problems.push(`${where}: initial_value must be at most 3000 characters`);
  }
}

/** An input block's element: a `plain_text_input`, a `static_select` or a `conversations_select`. */
export function inputElement(element: unknown, where: string, problems: string[]): void {
  if (!isObject(element)) return void problems.push(`${where}: element must be an object`);
  if (element['type'] === 'plain_text_input') {
    textInput(element, where, problems);
    return;
  }
  if (element['type'] !== 'static_select' && element['type'] !== 'conversations_select') {
    return void problems.push(`${where}: unsupported element ${String(element['type'])}`);
  }
  const actionId = element['action_id'];
  if (typeof actionId !== 'string' || actionId.length === 0 || actionId.length > 255) {
    problems.push(`${where}: action_id must be 1-255 characters`);
  }
  if (element['placeholder'] !== undefined)
    textObject(element['placeholder'], `${where}.placeholder`, 150, problems, true);
  if (element['type'] === 'conversations_select') {
    const filter = element['filter'];
    if (filter === undefined) return;
    if (!isObject(filter)) return void problems.push(`${where}.filter must be an object`);
    const include = filter['include'];
    const kinds = ['im', 'mpim', 'private', 'public'];
    if (include !== undefined && (!Array.isArray(include) || include.some((kind) => !kinds.includes(String(kind))))) {
      problems.push(`${where}.filter.include must list im, mpim, private or public`);
    }
    return;
  }
  // static_select: 1-100 options, each text of at most 75 characters and a value of at most 150.
  const options = element['options'];
  if (!Array.isArray(options) || options.length === 0 || options.length > 100) {
    return void problems.push(`${where}: options must hold 1-100 options`);
  }
  const values = new Set<string>();
  for (const [index, option] of options.entries()) {
    if (!isObject(option)) {
      problems.push(`${where}.options[${index}] must be an object`);
      continue;
    }
    textObject(option['text'], `${where}.options[${index}].text`, 75, problems, true);
    const value = option['value'];
    if (typeof value !== 'string' || value.length === 0 || value.length > 150) {
      problems.push(`${where}.options[${index}].value must be 1-150 characters`);
    } else if (values.has(value)) problems.push(`${where}: option value ${value} is used twice`);
    else values.add(value);
  }
}
