import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import type { MemberSettings, ServerSettings } from '../../core/records.js';
import { parseRatio } from '../../core/size-mapping.js';
import type { SettingsPatch } from '../../core/store.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { DiscordContext } from './discord-context.js';
import { choiceLimit, choiceValue, modelFromOption } from './discord-model-choices.js';
import { clip } from './discord-render.js';

export async function handleModels(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const lines = context.catalogue.list().map((model) => {
    const can = [
      model.textToImage ? 'text→image' : 'edits only',
      model.maxInputImages > 0 ? `≤${model.maxInputImages} input images` : undefined,
      model.seed ? 'seed' : undefined,
      model.qualities.length > 0 ? 'quality' : undefined,
    ].filter(Boolean);
    const aliases = model.aliases.length > 0 ? ` (${model.aliases.slice(0, 2).join(', ')})` : '';
    return `• \`${model.id}\`${aliases}${model.id === context.defaultModel ? ' — default' : ''}: ${can.join(', ')}`;
  });
  await interaction.reply({
    content: clip(`**Models**\n${lines.join('\n')}\nUse \`--model <name>\` in a prompt or the model option.`),
    flags: MessageFlags.Ephemeral,
  });
}

/** Model option autocomplete from the catalogue (25 choices at most). */
export async function handleAutocomplete(context: DiscordContext, interaction: AutocompleteInteraction): Promise<void> {
  const typed = interaction.options.getFocused().toLowerCase();
  const choices = context.catalogue
    .list()
    .filter((model) => [model.id, model.label, ...model.aliases].some((name) => name.toLowerCase().includes(typed)))
    .slice(0, 25)
    .map((model) => ({ name: clip(`${model.id} — ${model.label}`, choiceLimit), value: choiceValue(model) }));
  await interaction.respond(choices);
}

export async function handleSettings(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const guildId = interaction.guildId ?? '';
  const server = interaction.options.getString('scope') === 'server';
  if (server && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserFacingError('not_allowed', 'Server settings need the Manage Server permission.');
  }
  const reset = interaction.options.getBoolean('reset') ?? false;
  const picked = interaction.options.getString('model');
  const model = picked === null ? null : modelFromOption(context.catalogue, picked);
  const aspect = interaction.options.getString('aspect');
  const quality = interaction.options.getString('quality');
  if (model) context.catalogue.resolve(model);
  if (aspect) parseRatio(aspect);
  const patch: SettingsPatch<ServerSettings> = {
    ...(reset ? { defaultModel: null, aspectRatio: null, quality: null } : {}),
    ...(model ? { defaultModel: context.catalogue.resolve(model).id } : {}),
    ...(aspect ? { aspectRatio: aspect } : {}),
    ...(quality ? { quality } : {}),
  };
  let shown: MemberSettings | ServerSettings;
  if (server) {
    const limits = ['member_per_hour', 'member_per_day', 'server_per_day'] as const;
    const keys = {
      member_per_hour: 'quotaMemberPerHour',
      member_per_day: 'quotaMemberPerDay',
      server_per_day: 'quotaServerPerDay',
    } as const;
    const limitPatch: Record<string, number | null> = {};
    for (const name of limits) {
      const value = interaction.options.getNumber(name);
      if (value !== null) limitPatch[keys[name]] = value;
      else if (reset) limitPatch[keys[name]] = null;
    }
    shown = await context.store.setServerSettings('discord', guildId, { ...patch, ...limitPatch });
  } else {
    shown = await context.store.setMemberSettings('discord', guildId, interaction.user.id, patch);
  }
  const entries = Object.entries(shown).filter(([, value]) => value !== undefined && value !== null);
  const described =
    entries.length > 0
      ? entries.map(([key, value]) => `• ${key}: \`${value}\``).join('\n')
      : '• nothing set: the defaults apply';
  await interaction.reply({
    content: `**${server ? 'Server' : 'Your'} settings**\n${described}`,
    flags: MessageFlags.Ephemeral,
  });
}

export async function handleUsage(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const guildId = interaction.guildId ?? '';
  const now = context.now();
  const day = await context.store.usageSummary({
    platform: 'discord',
    workspaceId: guildId,
    memberId: interaction.user.id,
    since: now - 86_400_000,
  });
  const hour = await context.store.sumUsage({
    platform: 'discord',
    workspaceId: guildId,
    memberId: interaction.user.id,
    since: now - 3_600_000,
  });
  const rows = day.map(
    (row) => `• \`${row.model}\`: ${row.images} image${row.images === 1 ? '' : 's'}, ${row.units} units`,
  );
  const lines = [
    `**Your last 24 hours**`,
    ...(rows.length > 0 ? rows : ['• nothing yet']),
    `Last hour: ${hour} units.`,
  ];
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    const server = await context.store.sumUsage({ platform: 'discord', workspaceId: guildId, since: now - 86_400_000 });
    lines.push(`Server, last 24 hours: ${server} units.`);
  }
  await interaction.reply({ content: clip(lines.join('\n')), flags: MessageFlags.Ephemeral });
}
