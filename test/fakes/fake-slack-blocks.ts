/**
 * The Block Kit limits real Slack enforces (docs.slack.dev/reference/block-kit): a message or modal that breaks
 * one is refused with `invalid_blocks` / `invalid_arguments`, so the fake refuses it too.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function textObject(value: unknown, where: string, max: number, problems: string[], plainOnly = false): void {
  if (!isObject(value)) return void problems.push(`${where}: a text object is required`);
  if (value['type'] !== 'plain_text' && (plainOnly || value['type'] !== 'mrkdwn')) {
    problems.push(`${where}: type must be ${plainOnly ? 'plain_text' : 'plain_text or mrkdwn'}`);
  }
  const text = value['text'];
  if (typeof text !== 'string' || text.length === 0) problems.push(`${where}: text must be a non-empty string`);
  else if (text.length > max) problems.push(`${where}: text is ${text.length} characters, more than ${max}`);
}

function button(element: Json, where: string, problems: string[]): void {
  textObject(element['text'], `${where}.text`, 75, problems, true);
  const actionId = element['action_id'];
  if (typeof actionId !== 'string' || actionId.length === 0 || actionId.length > 255) {
    problems.push(`${where}: action_id must be 1-255 characters`);
  }
  const value = element['value'];
  if (value !== undefined && (typeof value !== 'string' || value.length > 2000)) {
    problems.push(`${where}: value must be a string of at most 2000 characters`);
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

function block(value: unknown, where: string, problems: string[], inModal: boolean): void {
  if (!isObject(value)) return void problems.push(`${where}: a block must be an object`);
  const blockId = value['block_id'];
  if (blockId !== undefined && (typeof blockId !== 'string' || blockId.length > 255)) {
    problems.push(`${where}: block_id must be at most 255 characters`);
  }
  switch (value['type']) {
    case 'section':
      if (value['text'] === undefined && value['fields'] === undefined)
        problems.push(`${where}: section needs text or fields`);
      if (value['text'] !== undefined) textObject(value['text'], `${where}.text`, 3000, problems);
      return;
    case 'header':
      textObject(value['text'], `${where}.text`, 150, problems, true);
      return;
    case 'divider':
      return;
    case 'context': {
      const elements = value['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
        return void problems.push(`${where}: context needs 1-10 elements`);
      }
      for (const [index, element] of elements.entries()) {
        textObject(element, `${where}.elements[${index}]`, 3000, problems);
      }
      return;
    }
    case 'actions': {
      const elements = value['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
        return void problems.push(`${where}: actions needs 1-25 elements`);
      }
      const ids = new Set<string>();
      for (const [index, element] of elements.entries()) {
        if (!isObject(element) || element['type'] !== 'button') {
          problems.push(`${where}.elements[${index}]: only buttons are expected`);
          continue;
        }
        button(element, `${where}.elements[${index}]`, problems);
        const id = String(element['action_id']);
        if (ids.has(id)) problems.push(`${where}: action_id ${id} is used twice`);
        ids.add(id);
      }
      return;
    }
    case 'input': {
      if (!inModal) return void problems.push(`${where}: input blocks belong in modals`);
      textObject(value['label'], `${where}.label`, 2000, problems, true);
      const element = value['element'];
      if (!isObject(element) || element['type'] !== 'plain_text_input') {
        return void problems.push(`${where}: element must be a plain_text_input`);
      }
      if (typeof element['action_id'] !== 'string') problems.push(`${where}.element: action_id is required`);
      const maxLength = element['max_length'];
      if (maxLength !== undefined && (typeof maxLength !== 'number' || maxLength > 3000)) {
        problems.push(`${where}.element: max_length must be at most 3000`);
      }
      return;
    }
    default:
      problems.push(`${where}: unknown block type ${String(value['type'])}`);
  }
}

/** Parses a `blocks` argument (a JSON string from a form) and lists what Slack would refuse. */
export function checkBlocks(
  raw: unknown,
  options: { max?: number; inModal?: boolean } = {},
): { blocks?: unknown[]; problems: string[] } {
  const problems: string[] = [];
  let blocks: unknown;
  try {
    blocks = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    return { problems: ['blocks is not JSON'] };
  }
  if (!Array.isArray(blocks)) return { problems: ['blocks must be a JSON array'] };
  const max = options.max ?? 50;
  if (blocks.length > max) problems.push(`${blocks.length} blocks, more than ${max}`);
  for (const [index, value] of blocks.entries()) block(value, `blocks[${index}]`, problems, options.inModal ?? false);
  return { blocks, problems };
}

/** The `view` argument of `views.open`. */
export function checkView(raw: unknown): { view?: Json; problems: string[] } {
  let view: unknown;
  try {
    view = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    return { problems: ['view is not JSON'] };
  }
  if (!isObject(view)) return { problems: ['view must be an object'] };
  const problems: string[] = [];
  if (view['type'] !== 'modal') problems.push('view.type must be modal');
  textObject(view['title'], 'view.title', 24, problems, true);
  if (view['submit'] !== undefined) textObject(view['submit'], 'view.submit', 24, problems, true);
  if (view['close'] !== undefined) textObject(view['close'], 'view.close', 24, problems, true);
  const metadata = view['private_metadata'];
  if (metadata !== undefined && (typeof metadata !== 'string' || metadata.length > 3000)) {
    problems.push('view.private_metadata must be a string of at most 3000 characters');
  }
  const callbackId = view['callback_id'];
  if (callbackId !== undefined && (typeof callbackId !== 'string' || callbackId.length > 255)) {
    problems.push('view.callback_id must be at most 255 characters');
  }
  problems.push(
    ...checkBlocks(view['blocks'], { max: 100, inModal: true }).problems.map((problem) => `view.${problem}`),
  );
  return { view, problems };
}
