import { refuseControlCharacters } from './plain-text.js';
import { UserFacingError } from './user-facing-error.js';

/** The inline flags every platform accepts inside the prompt text. */
export interface InlineFlags {
  model?: string;
  aspectRatio?: string;
  count?: number;
  seed?: number;
  quality?: string;
  size?: string;
  negativePrompt?: string;
  /** GPT Image `background`: `transparent`, `opaque` or `auto`. */
  background?: string;
  /** Qwen `prompt_extend`: let the model rewrite the prompt first. */
  extend?: boolean;
  /** The last attached image is an inpainting mask (GPT Image). */
  mask?: boolean;
}

export interface ParsedPrompt {
  /** The text with the flags taken out: what is sent to the model. */
  readonly prompt: string;
  readonly flags: InlineFlags;
}

type FlagName = keyof InlineFlags;

const flagNames: Record<string, FlagName> = {
  model: 'model',
  m: 'model',
  ar: 'aspectRatio',
  aspect: 'aspectRatio',
  n: 'count',
  count: 'count',
  seed: 'seed',
  quality: 'quality',
  q: 'quality',
  size: 'size',
  no: 'negativePrompt',
  background: 'background',
  bg: 'background',
  extend: 'extend',
  mask: 'mask',
};

/** Switches: present means on; `--extend=off` says it explicitly. They never take the next word. */
const switchFlags = new Set<FlagName>(['extend', 'mask']);
type SwitchName = 'extend' | 'mask';

export const inlineFlagHelp =
  '--model <name>, --ar <w:h> (--aspect), --n <1-4> (--count), --seed <number>, --quality <low|medium|high>, --size <1K|2K|4K|WxH>, --no <things to avoid>, --background <transparent|opaque> (GPT Image), --extend (Qwen rewrites the prompt), --mask (the last attached image is the inpainting mask)';

/** `--flag`, `--flag=value`; also `—flag` (phones turn `--` into an em dash). */
const flagPattern = /^(?:--|—|–)([a-z]+)(?:=(.*))?$/i;

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|“([^”]*)”|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    const quotedValue = match[1] ?? match[2] ?? match[3];
    tokens.push({
      text: quotedValue ?? match[4] ?? '',
      start: match.index,
      end: match.index + match[0].length,
      quoted: quotedValue !== undefined,
    });
  }
  return tokens;
}

/**
 * Splits `a red fox --ar 16:9 --no "snow, trees"` into the prompt (`a red fox`) and its flags.
 * Flags may stand anywhere; values may be quoted; `--no` takes every word up to the next flag.
 */
export function parseInlineFlags(text: string): ParsedPrompt {
  refuseControlCharacters(text);
  const tokens = tokenize(text);
  const flags: InlineFlags = {};
  const removed: Array<[number, number]> = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index] as Token;
    const match = token.quoted ? null : flagPattern.exec(token.text);
    const rawName = match?.[1]?.toLowerCase();
    if (!match || rawName === undefined || /^\d/.test(token.text.slice(2))) {
      index++;
      continue;
    }
    const name = flagNames[rawName];
    if (!name) {
      // An em dash before an unknown word is ordinary punctuation, not a flag.
      if (!token.text.startsWith('--')) {
        index++;
        continue;
      }
      throw new UserFacingError('unknown_flag', `Unknown flag \`--${rawName}\`. Flags: ${inlineFlagHelp}.`);
    }
    if (flags[name] !== undefined) {
      throw new UserFacingError('duplicate_flag', `The flag \`--${rawName}\` is given twice; keep one.`);
    }
    let end = token.end;
    let value = match[2];
    index++;
    if (switchFlags.has(name)) {
      flags[name as SwitchName] = parseSwitch(rawName, value);
      removed.push([token.start, end]);
      continue;
    }
    if (value === undefined) {
      const words: string[] = [];
      while (index < tokens.length) {
        const next = tokens[index] as Token;
        if (!next.quoted && isFlagToken(next.text)) break;
        words.push(next.text);
        end = next.end;
        index++;
        if (name !== 'negativePrompt') break;
      }
      value = words.join(' ');
    }
    value = value.trim();
    if (value === '') {
      throw new UserFacingError(
        'flag_without_value',
        `The flag \`--${rawName}\` needs a value, e.g. ${example(name)}.`,
      );
    }
    assignFlag(flags, name, rawName, value);
    removed.push([token.start, end]);
  }
  let prompt = '';
  let cursor = 0;
  for (const [start, end] of removed) {
    prompt += `${text.slice(cursor, start)} `;
    cursor = end;
  }
  prompt += text.slice(cursor);
  return {
    prompt: prompt
      .replace(/[ \t]+/g, ' ')
      .replace(/ *\n */g, '\n')
      .trim(),
    flags,
  };
}

function isFlagToken(text: string): boolean {
  const match = flagPattern.exec(text);
  if (!match?.[1]) return false;
  return text.startsWith('--') ? !/^\d/.test(text.slice(2)) : match[1].toLowerCase() in flagNames;
}

function example(name: FlagName): string {
  const examples: Record<FlagName, string> = {
    model: '`--model nano-banana`',
    aspectRatio: '`--ar 16:9`',
    count: '`--n 2`',
    seed: '`--seed 42`',
    quality: '`--quality high`',
    size: '`--size 2K`',
    negativePrompt: '`--no text, watermark`',
    background: '`--background transparent`',
    extend: '`--extend`',
    mask: '`--mask`',
  };
  return examples[name];
}

function assignFlag(flags: InlineFlags, name: FlagName, rawName: string, value: string): void {
  switch (name) {
    case 'count':
      flags.count = parseWholeNumber(rawName, value);
      return;
    case 'seed':
      flags.seed = parseWholeNumber(rawName, value);
      return;
    case 'extend':
    case 'mask':
      return;
    default:
      flags[name] = value;
  }
}

function parseSwitch(rawName: string, value: string | undefined): boolean {
  const word = value?.trim().toLowerCase();
  if (word === undefined || ['on', 'true', 'yes', '1'].includes(word)) return true;
  if (['off', 'false', 'no', '0'].includes(word)) return false;
  throw new UserFacingError(
    'bad_switch',
    `\`--${rawName}\` is a switch: write \`--${rawName}\` alone, or \`--${rawName}=off\`.`,
  );
}

function parseWholeNumber(rawName: string, value: string): number {
  if (!/^-?\d+$/.test(value)) {
    throw new UserFacingError('bad_number', `\`--${rawName}\` takes a whole number, not \`${value}\`.`);
  }
  return Number(value);
}
