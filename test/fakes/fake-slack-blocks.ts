/**
 * The Block Kit limits real Slack enforces (docs.slack.dev/reference/block-kit): a message or modal that breaks
 * one is refused with `invalid_blocks` / `invalid_arguments`, so the fake refuses it too.
 */

import { button, inputElement, isObject, type Json, sectionFields, textObject } from './fake-slack-block-elements.js';

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
      if (value['fields'] !== undefined) sectionFields(value['fields'], `${where}.fields`, problems);
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
      inputElement(value['element'], `${where}.element`, problems);
      if (value['optional'] !== undefined && typeof value['optional'] !== 'boolean')
        problems.push(`${where}: optional must be a boolean`);
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
  // Slack refuses a message or view where two blocks share a block_id.
  const ids = blocks.map((value) => (isObject(value) ? value['block_id'] : undefined)).filter((id) => id !== undefined);
  for (const id of new Set(ids)) {
    if (ids.filter((other) => other === id).length > 1) problems.push(`block_id ${String(id)} is used twice`);
  }
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

/** The `view` argument of `views.publish`: a Home tab (no input blocks, at most 100 blocks). */
export function checkHomeView(raw: unknown): { view?: Json; problems: string[] } {
  let view: unknown;
  try {
    view = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    return { problems: ['view is not JSON'] };
  }
  if (!isObject(view)) return { problems: ['view must be an object'] };
  const problems: string[] = [];
  if (view['type'] !== 'home') problems.push('view.type must be home');
  const metadata = view['private_metadata'];
  if (metadata !== undefined && (typeof metadata !== 'string' || metadata.length > 3000)) {
    problems.push('view.private_metadata must be a string of at most 3000 characters');
  }
  problems.push(...checkBlocks(view['blocks'], { max: 100 }).problems.map((problem) => `view.${problem}`));
  return { view, problems };
}
