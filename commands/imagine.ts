import type { CommandDefinition } from './command-definition.js';

/** `/imagine prompt [model] [aspect] [count] [seed] [quality] [image] [image2]`; inline flags work inside `prompt`. */
export const imagineCommand = {
  name: 'imagine',
  description: 'Make an image from a prompt; reply in its thread to edit it',
  userInstall: true,
  options: [
    { name: 'prompt', kind: 'string', description: 'What to draw; flags like --ar 16:9 work here too', required: true },
    { name: 'model', kind: 'string', description: 'Model id or alias', flag: '--model', autocomplete: true },
    { name: 'aspect', kind: 'string', description: 'Aspect ratio, e.g. 16:9', flag: '--ar' },
    { name: 'count', kind: 'integer', description: 'How many images (1-4)', flag: '--n', min: 1, max: 4 },
    {
      name: 'seed',
      kind: 'integer',
      description: 'Seed, on models that take one',
      flag: '--seed',
      min: 0,
      max: 2_147_483_647,
    },
    {
      name: 'quality',
      kind: 'string',
      description: 'low, medium or high (GPT Image)',
      flag: '--quality',
      choices: ['low', 'medium', 'high'],
    },
    { name: 'size', kind: 'string', description: '1K, 2K, 4K or an exact size the model takes', flag: '--size' },
    { name: 'no', kind: 'string', description: 'What to avoid (models with a negative prompt)', flag: '--no' },
    { name: 'image', kind: 'attachment', description: 'A reference image' },
    { name: 'image2', kind: 'attachment', description: 'A second reference image' },
  ],
} as const satisfies CommandDefinition;

/** Flags that exist inline only (no slash-command option): what only one family takes. */
const inlineOnlyFlags = [
  { usage: '--background <value>', description: 'transparent, opaque or auto (GPT Image)' },
  { usage: '--extend', description: 'let Qwen rewrite the prompt first' },
  { usage: '--mask', description: 'the last attached image is an inpainting mask (GPT Image)' },
] as const;

/** The inline flags as help lines, from the same definition. */
export function flagHelpLines(): string[] {
  return [
    ...imagineCommand.options
      .filter((option) => 'flag' in option)
      .map((option) => `  ${`${option.flag} <${option.name}>`.padEnd(20)} ${option.description}`),
    ...inlineOnlyFlags.map((flag) => `  ${flag.usage.padEnd(20)} ${flag.description}`),
  ];
}
