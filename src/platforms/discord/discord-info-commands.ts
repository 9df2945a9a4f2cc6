import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import { blendModels } from '../../core/engine/blend.js';
import { ruleListOf } from '../../core/engine/channel-rules.js';
import { clearedSettings, type SettingsChange } from '../../core/engine/member-settings.js';
import type { UsageReport } from '../../core/engine/usage-report.js';
import type { MemberSettings, ServerSettings } from '../../core/records.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { DiscordContext } from './discord-context.js';
import { choiceLimit, choiceValue, modelFromOption } from './discord-model-choices.js';
import { clip } from './discord-render.js';
import { interactionRequester } from './discord-requester.js';

export async function handleModels(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const lines = context.engine.catalogue.list().map((model) => {
    const can = [
      model.textToImage ? 'text→image' : 'edits only',
      model.maxInputImages > 0 ? `≤${model.maxInputImages} input images` : undefined,
      model.seed ? 'seed' : undefined,
      model.qualities.length > 0 ? 'quality' : undefined,
    ].filter(Boolean);
    const aliases = model.aliases.length > 0 ? ` (${model.aliases.slice(0, 2).join(', ')})` : '';
    return `• \`${model.id}\`${aliases}${model.id === context.engine.defaultModel ? ' — default' : ''}: ${can.join(', ')}`;
  });
  await interaction.reply({
    content: clip(`**Models**\n${lines.join('\n')}\nUse \`--model <name>\` in a prompt or the model option.`),
    flags: MessageFlags.Ephemeral,
  });
}

/** Model option autocomplete from the catalogue (25 choices at most). */
export async function handleAutocomplete(context: DiscordContext, interaction: AutocompleteInteraction): Promise<void> {
  const typed = interaction.options.getFocused().toLowerCase();
  // `/blend` offers only the models that fuse several images; every picker only the models the server allows.
  const models =
    interaction.commandName === 'blend' ? blendModels(context.engine.catalogue) : context.engine.catalogue.list();
  const { workspace } = await context.engine.settings(interactionRequester(interaction, 'quota'));
  const allowed = workspace.allowedModels;
  const choices = models
    .filter((model) => !allowed || allowed.includes(model.id))
    .filter((model) => [model.id, model.label, ...model.aliases].some((name) => name.toLowerCase().includes(typed)))
    .slice(0, 25)
    .map((model) => ({ name: clip(`${model.id} — ${model.label}`, choiceLimit), value: choiceValue(model) }));
  await interaction.respond(choices);
}

/**
 * `/settings`: the member's defaults, or with `scope: server` (Manage Server) the server's defaults and quotas. The
 * core validates and saves; this reads the options and shows what was saved.
 */
export async function handleSettings(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const rules = channelRulesOf(interaction);
  // The channel rules are the server's only: naming one is asking for the server's settings.
  const server = interaction.options.getString('scope') === 'server' || Object.keys(rules).length > 0;
  if (server && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserFacingError('not_allowed', 'Server settings need the Manage Server permission.');
  }
  const reset = interaction.options.getBoolean('reset') ?? false;
  const picked = interaction.options.getString('model');
  const aspect = interaction.options.getString('aspect');
  const quality = interaction.options.getString('quality');
  const limit = (name: string) => {
    const value = interaction.options.getNumber(name);
    return value !== null ? value : reset ? null : undefined;
  };
  const change: SettingsChange = {
    ...(reset ? clearedSettings : {}),
    ...(picked !== null ? { model: modelFromOption(context.engine.catalogue, picked) } : {}),
    ...(aspect ? { aspectRatio: aspect } : {}),
    ...(quality ? { quality } : {}),
    ...(server
      ? withoutAbsent({
          quotaMemberPerHour: limit('member_per_hour'),
          quotaMemberPerDay: limit('member_per_day'),
          quotaServerPerDay: limit('server_per_day'),
        })
      : {}),
    ...rules,
  };
  const requester = interactionRequester(interaction, 'quota');
  const report = await context.engine.changeSettings(requester, server ? 'workspace' : 'member', change);
  await interaction.reply({
    content: clip(settingsContent(server ? 'Server' : 'Your', server ? report.workspace : report.member)),
    flags: MessageFlags.Ephemeral,
  });
}

/** `channels`, `blocked_terms`, `models` as the core's change: channel mentions (`<#id>`) or ids, comma lists. */
function channelRulesOf(interaction: ChatInputCommandInteraction): SettingsChange {
  const channels = interaction.options.getString('channels');
  const terms = interaction.options.getString('blocked_terms');
  const models = interaction.options.getString('models');
  return {
    ...(channels !== null ? { allowedChannels: channelIdsOf(channels) } : {}),
    ...(terms !== null ? { blockedTerms: ruleListOf(terms) } : {}),
    ...(models !== null ? { allowedModels: ruleListOf(models, /[\s,;]+/) } : {}),
  };
}

function channelIdsOf(text: string): readonly string[] | null {
  const listed = ruleListOf(text, /[\s,]+/);
  return listed === null ? null : listed.map((channel) => /^<#(\d+)>$/.exec(channel)?.[1] ?? channel);
}

function withoutAbsent<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function settingsContent(whose: string, shown: MemberSettings | ServerSettings): string {
  const entries = Object.entries(shown).filter(([, value]) => value !== undefined && value !== null);
  const described =
    entries.length > 0
      ? entries.map(([key, value]) => `• ${key}: ${settingValue(key, value)}`).join('\n')
      : '• nothing set: the defaults apply';
  return `**${whose} settings**\n${described}`;
}

function settingValue(key: string, value: unknown): string {
  if (!Array.isArray(value)) return `\`${String(value)}\``;
  if (key === 'allowedChannels') return value.map((channel) => `<#${String(channel)}>`).join(' ');
  return value.map((item) => `\`${String(item).replaceAll('`', "'")}\``).join(', ');
}

/** `/usage`: the member's last 24 hours by model and the last hour, in the quota windows; the server's for admins. */
export async function handleUsage(context: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const report = await context.engine.usage(interactionRequester(interaction, 'quota'));
  await interaction.reply({ content: usageContent(report), flags: MessageFlags.Ephemeral });
}

function usageContent(report: UsageReport): string {
  const rows = report.byModel.map(
    (row) => `• \`${row.model}\`: ${row.images} image${row.images === 1 ? '' : 's'}, ${row.units} units`,
  );
  const limited = (units: number, limit: number | undefined) => (limit ? `${units} of ${limit}` : `${units}`);
  const lines = [
    `**Your last 24 hours**`,
    ...(rows.length > 0 ? rows : ['• nothing yet']),
    `Last hour: ${limited(report.lastHour.units, report.lastHour.limit)} units.`,
    ...(report.workspaceDay
      ? [`Server, last 24 hours: ${limited(report.workspaceDay.units, report.workspaceDay.limit)} units.`]
      : []),
  ];
  return clip(lines.join('\n'));
}
