import { flagHelpLines } from '../../../commands/imagine.js';
import { blendImageCount, blendModels } from '../../core/engine/blend.js';
import { ruleListOf } from '../../core/engine/channel-rules.js';
import type { Requester } from '../../core/engine/engine-types.js';
import {
  clearedSettings,
  isValidSettingsChange,
  type SettingsChange,
  type SettingsScope,
} from '../../core/engine/member-settings.js';
import type { UsageReport } from '../../core/engine/usage-report.js';
import { createModelCatalogue, type ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { MemberSettings, ServerSettings } from '../../core/records.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { SlackContext } from './slack-context.js';

export type Subcommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'models' }
  | { readonly kind: 'usage' }
  | { readonly kind: 'blend' }
  | { readonly kind: 'settings'; readonly args: readonly string[] };

/** What `settings …` asks for: whose defaults, and the change (none: show them). */
interface SettingsRequest {
  readonly scope: SettingsScope;
  readonly change?: SettingsChange;
}

const defaultWords = new Set(['default', 'none', 'clear', 'reset']);

/** `model|ar|aspect|quality <value>` as a change; `default` clears the setting. */
function changeOf(name: string, value: string): SettingsChange | undefined {
  const cleared = defaultWords.has(value.toLowerCase()) ? null : value;
  switch (name.toLowerCase()) {
    case 'model':
      return { model: cleared };
    case 'ar':
    case 'aspect':
      return { aspectRatio: cleared };
    case 'quality':
      return { quality: cleared };
    default:
      return undefined;
  }
}

/**
 * A subcommand only when the text is exactly one: its keyword, or `settings` with a setting and a value the engine
 * would save (`settings model gpt-image-1`, `settings workspace quality high`, `settings reset`). Anything else is a
 * prompt: `/imagine models on a runway` and `/imagine settings model railway at dusk` make images.
 */
export function parseSubcommand(
  text: string,
  catalogue: ModelCatalogue = createModelCatalogue(),
): Subcommand | undefined {
  const [keyword = '', ...args] = text.trim().split(/\s+/).filter(Boolean);
  const word = keyword.toLowerCase();
  if (args.length === 0 && (word === 'help' || word === 'models' || word === 'usage' || word === 'blend'))
    return { kind: word };
  if (word !== 'settings' || !settingsRequestOf(args, catalogue)) return undefined;
  return { kind: 'settings', args };
}

/**
 * The workspace's channel rules: `channels here|<#C…>|C…|all`, `blocked <term>, <phrase>…|none`, `models <name>…|all`.
 * Slash command text arrives unescaped (`should_escape: false`), so a typed `#general` is only a name: `here` stands
 * for the channel the command was sent in.
 */
function ruleChangeOf(name: string, values: readonly string[], channelId: string): SettingsChange | undefined {
  const text = values.join(' ');
  switch (name.toLowerCase()) {
    case 'channels': {
      const listed = ruleListOf(text, /[\s,]+/);
      if (listed === null) return { allowedChannels: null };
      const ids = listed.map((item) =>
        item.toLowerCase() === 'here' ? channelId : (/^<#([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(item)?.[1] ?? item),
      );
      return ids.every((id) => /^[CG][A-Z0-9]+$/.test(id)) ? { allowedChannels: ids } : undefined;
    }
    case 'blocked':
    case 'blocked-terms':
      return { blockedTerms: ruleListOf(text) };
    case 'models':
      return { allowedModels: ruleListOf(text, /[\s,;]+/) };
    default:
      return undefined;
  }
}

function settingsRequestOf(
  args: readonly string[],
  catalogue: ModelCatalogue,
  channelId = 'C0000000000',
): SettingsRequest | undefined {
  if (args.length === 0) return { scope: 'member' };
  if (args.length === 1 && args[0]?.toLowerCase() === 'reset') return { scope: 'member', change: clearedSettings };
  const workspace = args[0]?.toLowerCase() === 'workspace';
  if (workspace && args.length >= 3) {
    const rule = ruleChangeOf(args[1] ?? '', args.slice(2), channelId);
    if (rule)
      return isValidSettingsChange(rule, 'workspace', catalogue) ? { scope: 'workspace', change: rule } : undefined;
  }
  const [name, value, ...extra] = workspace ? args.slice(1) : args;
  if (name === undefined || value === undefined || extra.length > 0) return undefined;
  const change = changeOf(name, value);
  const scope: SettingsScope = workspace ? 'workspace' : 'member';
  return change && isValidSettingsChange(change, scope, catalogue) ? { scope, change } : undefined;
}

export function helpText(): string {
  return [
    "*threadpaint* makes images from a prompt; every reply in the image's thread is the next edit.",
    '• `/imagine a lighthouse at dusk --ar 16:9` starts a conversation (flags work anywhere in the prompt)',
    '• Reply in its thread to edit the latest image; share images in the reply to mix them in',
    '• Mention @threadpaint in a channel, or write to it in a DM, to start a conversation in that thread',
    '• Share 2 to 4 images in a message that starts with `blend` to blend them into one (`/imagine blend` says more)',
    '• Buttons under each result: Reroll, Variations, Upscale, Edit, Delete; Cancel while it is running',
    '• `/imagine models` · `/imagine settings` · `/imagine usage` · `/imagine help`',
    '*Flags*',
    `\`\`\`${flagHelpLines().join('\n')}\`\`\``,
  ].join('\n');
}

/**
 * `/imagine blend`: Slack slash commands carry no files, so a Blend is a message with the images shared in it — in a
 * conversation's thread, a DM with the app, or mentioning it — that starts with the word `blend`.
 */
export function blendText(catalogue: ModelCatalogue): string {
  const models = blendModels(catalogue).map((model) => `\`${model.id}\``);
  return [
    `To blend ${blendImageCount.min} to ${blendImageCount.max} images into one, share them in one message that starts with \`blend\`, e.g. \`blend at sunset --ar 16:9\`: in a result's thread, in a DM with me, or mentioning @threadpaint in a channel.`,
    `Models that blend: ${models.join(', ')}.`,
  ].join('\n');
}

export function modelsText(catalogue: ModelCatalogue, defaultModel: string): string {
  const lines = catalogue.list().map((model) => {
    const aliases =
      model.aliases.length > 0 ? ` (also ${model.aliases.map((alias) => `\`${alias}\``).join(', ')})` : '';
    const images =
      model.maxInputImages > 0
        ? `takes up to ${model.maxInputImages} image${model.maxInputImages > 1 ? 's' : ''}`
        : 'text only';
    return `• \`${model.id}\`${model.id === defaultModel ? ' *(your default)*' : ''} — ${model.label}${aliases}; ${images}`;
  });
  return [`*Models* (use \`--model <name>\`):`, ...lines].join('\n');
}

const units = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** `/imagine usage`: the member's hour and day in the quota windows, with the limits, and the day per model. */
export function usageText(report: UsageReport): string {
  const { lastHour, lastDay, byModel } = report;
  const lines = [
    `*Your usage* (image units): ${units(lastHour.units)}${lastHour.limit ? ` of ${units(lastHour.limit)}` : ''} in the last hour, ${units(lastDay.units)}${lastDay.limit ? ` of ${units(lastDay.limit)}` : ''} in the last 24 hours.`,
    ...byModel.map(
      (row) => `• \`${row.model}\`: ${row.images} image${row.images === 1 ? '' : 's'}, ${units(row.units)} units`,
    ),
  ];
  if (byModel.length === 0) lines.push('Nothing yet in the last 24 hours.');
  return lines.join('\n');
}

function describeSettings(label: string, settings: MemberSettings | ServerSettings): string {
  const parts = [
    settings.defaultModel ? `model \`${settings.defaultModel}\`` : undefined,
    settings.aspectRatio ? `--ar ${settings.aspectRatio}` : undefined,
    settings.quality ? `quality ${settings.quality}` : undefined,
  ].filter(Boolean);
  return `${label}: ${parts.length > 0 ? parts.join(', ') : 'none'}`;
}

/** The workspace's channel rules, for everyone to read (terms are counted, not listed: members see this too). */
function describeRules(settings: ServerSettings, admin: boolean): string | undefined {
  const parts = [
    settings.allowedChannels ? `channels ${settings.allowedChannels.map((id) => `<#${id}>`).join(' ')}` : undefined,
    settings.allowedModels ? `models ${settings.allowedModels.map((id) => `\`${id}\``).join(', ')}` : undefined,
    settings.blockedTerms
      ? admin
        ? `blocked ${settings.blockedTerms.map((term) => `\`${escapeCode(term)}\``).join(', ')}`
        : `${settings.blockedTerms.length} blocked term${settings.blockedTerms.length === 1 ? '' : 's'}`
      : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? `Workspace rules: ${parts.join('; ')}` : undefined;
}

/** A term inside inline code: no backtick to end it early, and Slack's three control characters escaped. */
function escapeCode(text: string): string {
  return text.replaceAll('`', "'").replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** `/imagine settings [model|ar|quality <value>|reset|workspace <setting> <value>]`: saved by the engine, shown here. */
export async function settingsText(
  context: Pick<SlackContext, 'engine' | 'isAdmin'>,
  requester: Requester,
  args: readonly string[],
  channelId?: string,
): Promise<string> {
  const { engine } = context;
  const subcommand = settingsRequestOf(args, engine.catalogue, channelId);
  if (!subcommand?.change) {
    const shown = await engine.settings(requester);
    const rules = describeRules(shown.workspace, false);
    return [
      describeSettings('Your defaults', shown.member),
      describeSettings('Workspace defaults', shown.workspace),
      ...(rules ? [rules] : []),
      `Operator default model: \`${shown.defaultModel}\`.`,
      'Change with `/imagine settings model <name>`, `ar <w:h>`, `quality <low|medium|high>` (`default` clears one), or `reset`. Admins: `/imagine settings workspace model <name>`, and the rules `workspace channels here|all`, `workspace blocked <term>, <phrase>|none`, `workspace models <name> <name>|all`.',
    ].join('\n');
  }
  if (subcommand.scope === 'workspace') {
    if (!(await context.isAdmin(requester.memberId))) {
      throw new UserFacingError('not_allowed', 'Only workspace admins can change the workspace defaults.');
    }
    const saved = await engine.changeSettings({ ...requester, isAdmin: true }, 'workspace', subcommand.change);
    const rules = describeRules(saved.workspace, true);
    return `Saved. ${describeSettings('Workspace defaults', saved.workspace)}.${rules ? `\n${rules}.` : ''}`;
  }
  const saved = await engine.changeSettings(requester, 'member', subcommand.change);
  const reset = subcommand.change === clearedSettings;
  return `${reset ? 'Reset' : 'Saved'}. ${describeSettings('Your defaults', saved.member)}.`;
}
