import { type REST, Routes } from 'discord.js';
import { type DiscordCommandJson, discordCommands } from '../../../commands/discord-commands.js';
import type { EngineLogger } from '../../core/engine/engine-types.js';

type Json = Record<string, unknown>;

/** The fields threadpaint sets, with Discord's defaults filled in, so a fetched command compares equal to ours. */
function normalizeOption(option: Json): Json {
  return {
    type: option.type,
    name: option.name,
    description: option.description ?? '',
    required: option.required ?? false,
    choices: ((option.choices as Json[] | undefined) ?? []).map((choice) => ({
      name: choice.name,
      value: choice.value,
    })),
    autocomplete: option.autocomplete ?? false,
    min_value: option.min_value ?? null,
    max_value: option.max_value ?? null,
  };
}

function normalize(command: Json): Json {
  return {
    name: command.name,
    type: command.type ?? 1,
    description: command.description ?? '',
    options: ((command.options as Json[] | undefined) ?? []).map(normalizeOption),
    contexts: command.contexts ?? null,
    integration_types: command.integration_types ?? null,
    default_member_permissions: command.default_member_permissions ?? null,
  };
}

const fingerprint = (commands: readonly Json[]) =>
  JSON.stringify(commands.map(normalize).sort((a, b) => String(a.name).localeCompare(String(b.name))));

export interface RegistrationResult {
  readonly scope: 'guild' | 'global';
  readonly changed: boolean;
  readonly count: number;
  /** Guild mode only: global commands also exist, so members would see every command twice. */
  readonly globalAlsoRegistered?: boolean;
}

/**
 * Registers the commands in one guild (`DISCORD_GUILD_ID`, for development) or globally — never both — and only
 * when Discord's copy differs from ours (compared after a GET), so start-up does not re-register every time.
 */
export async function registerDiscordCommands(
  rest: REST,
  applicationId: string,
  guildId: string | undefined,
  logger: EngineLogger,
  desired: readonly DiscordCommandJson[] = discordCommands(),
): Promise<RegistrationResult> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const existing = (await rest.get(route)) as Json[];
  const scope = guildId ? 'guild' : 'global';
  const changed = fingerprint(existing) !== fingerprint(desired as unknown as Json[]);
  if (changed) await rest.put(route, { body: desired });
  let globalAlsoRegistered: boolean | undefined;
  if (guildId) {
    const global = (await rest.get(Routes.applicationCommands(applicationId))) as Json[];
    globalAlsoRegistered = global.some((command) => desired.some((ours) => ours.name === command.name));
    if (globalAlsoRegistered) {
      logger.warn(
        { guildId },
        'discord: commands are registered globally too, so this server shows each twice; remove the global ones (unset DISCORD_GUILD_ID and run npm run register:discord -- --clear) or stop using DISCORD_GUILD_ID',
      );
    }
  }
  logger.info(
    { scope, changed, count: desired.length },
    changed ? 'discord: commands registered' : 'discord: commands unchanged',
  );
  return {
    scope,
    changed,
    count: desired.length,
    ...(globalAlsoRegistered !== undefined ? { globalAlsoRegistered } : {}),
  };
}

/** Removes every command in a scope (`--clear`): what an operator runs after switching between guild and global. */
export async function clearDiscordCommands(
  rest: REST,
  applicationId: string,
  guildId: string | undefined,
): Promise<void> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  await rest.put(route, { body: [] });
}
