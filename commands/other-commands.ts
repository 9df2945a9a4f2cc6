import type { CommandDefinition, MessageCommandDefinition } from './command-definition.js';

/** `/edit image instruction`: start a conversation from an existing picture. */
export const editCommand = {
  name: 'edit',
  description: 'Edit an existing picture; reply in its thread to keep editing',
  userInstall: true,
  options: [
    { name: 'image', kind: 'attachment', description: 'The picture to edit', required: true },
    {
      name: 'instruction',
      kind: 'string',
      description: 'What to change; flags like --model work here too',
      required: true,
    },
    { name: 'model', kind: 'string', description: 'Model id or alias', flag: '--model', autocomplete: true },
  ],
} as const satisfies CommandDefinition;

export const modelsCommand = {
  name: 'models',
  description: 'List the image models and what each one takes',
  userInstall: true,
  options: [],
} as const satisfies CommandDefinition;

export const settingsCommand = {
  name: 'settings',
  description: 'Your default model, aspect and quality (and, for admins, the server defaults and limits)',
  options: [
    {
      name: 'scope',
      kind: 'string',
      description: 'Whose settings: yours (default) or the server',
      choices: ['me', 'server'],
    },
    { name: 'model', kind: 'string', description: 'Default model', autocomplete: true },
    { name: 'aspect', kind: 'string', description: 'Default aspect ratio, e.g. 16:9' },
    { name: 'quality', kind: 'string', description: 'Default quality (GPT Image)', choices: ['low', 'medium', 'high'] },
    {
      name: 'member_per_hour',
      kind: 'number',
      description: 'Server: image units per member per hour (0 = no limit)',
      min: 0,
    },
    {
      name: 'member_per_day',
      kind: 'number',
      description: 'Server: image units per member per day (0 = no limit)',
      min: 0,
    },
    {
      name: 'server_per_day',
      kind: 'number',
      description: 'Server: image units for the whole server per day (0 = no limit)',
      min: 0,
    },
    {
      name: 'channels',
      kind: 'string',
      description: 'Server: the channels the bot answers in, as #mentions (all = every channel)',
    },
    {
      name: 'blocked_terms',
      kind: 'string',
      description: 'Server: words or phrases refused in prompts, separated by commas (none = clear)',
    },
    {
      name: 'models',
      kind: 'string',
      description: 'Server: the models members may use, separated by commas (all = every model)',
    },
    { name: 'reset', kind: 'boolean', description: 'Clear these settings' },
  ],
} as const satisfies CommandDefinition;

export const usageCommand = {
  name: 'usage',
  description: 'How many images you (and the server) made recently, and what is left',
  userInstall: true,
  options: [],
} as const satisfies CommandDefinition;

export const editImageMessageCommand = {
  name: 'Edit image',
  userInstall: true,
} as const satisfies MessageCommandDefinition;
