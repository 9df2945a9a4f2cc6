import { blendCommand } from './blend.js';
import type { CommandDefinition, CommandOption, MessageCommandDefinition } from './command-definition.js';
import { imagineCommand } from './imagine.js';
import {
  editCommand,
  editImageMessageCommand,
  modelsCommand,
  settingsCommand,
  usageCommand,
} from './other-commands.js';

/** Discord's application-command option types. */
const optionTypes = { string: 3, integer: 4, boolean: 5, attachment: 11, number: 10 } as const;
/** Manage Server (0x20), as a string bitfield. */
const manageGuild = '32';

/** The API JSON of one application command, as `PUT /applications/{id}/commands` takes it. */
export interface DiscordCommandJson {
  readonly name: string;
  readonly type: 1 | 3;
  readonly description: string;
  readonly options?: readonly Record<string, unknown>[];
  readonly contexts: readonly number[];
  readonly integration_types: readonly number[];
  readonly default_member_permissions?: string | null;
}

function optionJson(option: CommandOption): Record<string, unknown> {
  return {
    type: optionTypes[option.kind],
    name: option.name,
    description: option.description.slice(0, 100),
    required: option.required ?? false,
    ...(option.choices ? { choices: option.choices.map((choice) => ({ name: choice, value: choice })) } : {}),
    ...(option.autocomplete ? { autocomplete: true } : {}),
    ...(option.min !== undefined ? { min_value: option.min } : {}),
    ...(option.max !== undefined ? { max_value: option.max } : {}),
  };
}

/** Interaction contexts: 0 a server, 1 the bot's DM, 2 a DM or group DM (user installs only). */
const guildOnly = { contexts: [0], integration_types: [0] } as const;
/** Integration types: 0 installed to a server, 1 installed to a member's account (a user install). */
const everywhere = { contexts: [0, 1, 2], integration_types: [0, 1] } as const;

const installsOf = (definition: { readonly userInstall?: boolean }) =>
  definition.userInstall ? everywhere : guildOnly;

/**
 * Commands with `userInstall` are offered everywhere a member's own install reaches (DMs, group DMs, servers without
 * the bot); the rest (`/settings`) only in servers with the bot, where threads and server settings exist.
 */
export function toDiscordCommand(definition: CommandDefinition): DiscordCommandJson {
  // Discord wants required options first.
  const options = [...definition.options].sort((a, b) => Number(b.required ?? false) - Number(a.required ?? false));
  return {
    name: definition.name,
    type: 1,
    description: definition.description.slice(0, 100),
    options: options.map(optionJson),
    ...installsOf(definition),
    default_member_permissions: definition.adminOnly ? manageGuild : null,
  };
}

export function toDiscordMessageCommand(definition: MessageCommandDefinition): DiscordCommandJson {
  return {
    name: definition.name,
    type: 3,
    description: '',
    ...installsOf(definition),
    default_member_permissions: null,
  };
}

/** Every command threadpaint registers on Discord. */
export function discordCommands(): DiscordCommandJson[] {
  return [
    ...[imagineCommand, editCommand, modelsCommand, settingsCommand, usageCommand].map(toDiscordCommand),
    toDiscordCommand(blendCommand),
    toDiscordMessageCommand(editImageMessageCommand),
  ];
}
