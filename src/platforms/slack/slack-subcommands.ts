import { flagHelpLines } from '../../../commands/imagine.js';
import type { Requester } from '../../core/engine/engine-types.js';
import type { MemberSettings, ServerSettings } from '../../core/records.js';
import type { SettingsPatch } from '../../core/store.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { SlackContext } from './slack-context.js';

export type Subcommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'models' }
  | { readonly kind: 'usage' }
  | { readonly kind: 'settings'; readonly args: readonly string[] };

const settingWords = new Set(['model', 'ar', 'aspect', 'quality', 'reset', 'workspace']);

/**
 * A subcommand only when the text is exactly its keyword (`settings` with its own arguments):
 * `/imagine models on a runway` is a prompt.
 */
export function parseSubcommand(text: string): Subcommand | undefined {
  const trimmed = text.trim();
  const keyword = trimmed.toLowerCase();
  if (keyword === 'help') return { kind: 'help' };
  if (keyword === 'models') return { kind: 'models' };
  if (keyword === 'usage') return { kind: 'usage' };
  const match = /^settings(?:\s+([\s\S]*))?$/i.exec(trimmed);
  if (!match) return undefined;
  const args = (match[1] ?? '').split(/\s+/).filter(Boolean);
  const first = args[0]?.toLowerCase();
  if (first !== undefined && !settingWords.has(first)) return undefined;
  if (first === 'reset' && args.length > 1) return undefined;
  return { kind: 'settings', args };
}

export function helpText(): string {
  return [
    "*threadpaint* makes images from a prompt; every reply in the image's thread is the next edit.",
    '• `/imagine a lighthouse at dusk --ar 16:9` starts a conversation (flags work anywhere in the prompt)',
    '• Reply in its thread to edit the latest image; share images in the reply to mix them in',
    '• Mention @threadpaint in a channel, or write to it in a DM, to start a conversation in that thread',
    '• Buttons under each result: Reroll, Variations, Edit, Delete; Cancel while it is running',
    '• `/imagine models` · `/imagine settings` · `/imagine usage` · `/imagine help`',
    '*Flags*',
    `\`\`\`${flagHelpLines().join('\n')}\`\`\``,
  ].join('\n');
}

export function modelsText(context: Pick<SlackContext, 'config'>, defaultModel: string): string {
  const lines = context.config.catalogue.list().map((model) => {
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

const hour = 3_600_000;
const day = 24 * hour;
const units = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

export async function usageText(
  context: Pick<SlackContext, 'store' | 'config'>,
  requester: Requester,
): Promise<string> {
  const { store, config } = context;
  const now = Date.now();
  const member = { platform: 'slack' as const, workspaceId: requester.workspaceId, memberId: requester.memberId };
  const [server, lastHour, lastDay, rows] = await Promise.all([
    store.getServerSettings('slack', requester.workspaceId),
    store.sumUsage({ ...member, since: now - hour }),
    store.sumUsage({ ...member, since: now - day }),
    store.usageSummary({ ...member, since: now - day }),
  ]);
  const perHour = server.quotaMemberPerHour ?? config.QUOTA_MEMBER_PER_HOUR;
  const perDay = server.quotaMemberPerDay ?? config.QUOTA_MEMBER_PER_DAY;
  const lines = [
    `*Your usage* (image units): ${units(lastHour)}${perHour ? ` of ${units(perHour)}` : ''} in the last hour, ${units(lastDay)}${perDay ? ` of ${units(perDay)}` : ''} in the last 24 hours.`,
    ...rows.map(
      (row) => `• \`${row.model}\`: ${row.images} image${row.images === 1 ? '' : 's'}, ${units(row.units)} units`,
    ),
  ];
  if (rows.length === 0) lines.push('Nothing yet in the last 24 hours.');
  return lines.join('\n');
}

const defaultWords = new Set(['default', 'none', 'clear', 'reset']);

function parseSetting(
  context: Pick<SlackContext, 'config'>,
  name: string,
  value: string | undefined,
): SettingsPatch<MemberSettings> {
  if (value === undefined)
    throw new UserFacingError('bad_setting', `Give a value: \`/imagine settings ${name} <value>\` (or \`default\`).`);
  const clear = defaultWords.has(value.toLowerCase());
  switch (name) {
    case 'model':
      return { defaultModel: clear ? null : context.config.catalogue.resolve(value).id };
    case 'ar':
    case 'aspect':
      if (!clear && !/^\d{1,2}:\d{1,2}$/.test(value))
        throw new UserFacingError('bad_setting', `\`${value}\` is not an aspect ratio like 16:9.`);
      return { aspectRatio: clear ? null : value };
    case 'quality':
      if (!clear && !['low', 'medium', 'high'].includes(value.toLowerCase())) {
        throw new UserFacingError('bad_setting', 'Quality is low, medium or high.');
      }
      return { quality: clear ? null : value.toLowerCase() };
    default:
      throw new UserFacingError('bad_setting', `Unknown setting \`${name}\`: model, ar or quality.`);
  }
}

function describeSettings(label: string, settings: MemberSettings | ServerSettings): string {
  const parts = [
    settings.defaultModel ? `model \`${settings.defaultModel}\`` : undefined,
    settings.aspectRatio ? `--ar ${settings.aspectRatio}` : undefined,
    settings.quality ? `quality ${settings.quality}` : undefined,
  ].filter(Boolean);
  return `${label}: ${parts.length > 0 ? parts.join(', ') : 'none'}`;
}

/** `/imagine settings [model|ar|quality <value>|reset|workspace <setting> <value>]`. */
export async function settingsText(
  context: Pick<SlackContext, 'store' | 'config' | 'isAdmin'>,
  requester: Requester,
  args: readonly string[],
): Promise<string> {
  const { store } = context;
  const [first, second, third] = args.map((arg) => arg.trim());
  const usage =
    'Change with `/imagine settings model <name>`, `ar <w:h>`, `quality <low|medium|high>` (`default` clears one), or `reset`. Admins: `/imagine settings workspace model <name>`.';
  if (first?.toLowerCase() === 'workspace' && second !== undefined) {
    if (!(await context.isAdmin(requester.memberId))) {
      throw new UserFacingError('not_allowed', 'Only workspace admins can change the workspace defaults.');
    }
    const saved = await store.setServerSettings(
      'slack',
      requester.workspaceId,
      parseSetting(context, second.toLowerCase(), third),
    );
    return `Saved. ${describeSettings('Workspace defaults', saved)}.`;
  }
  const member = [requester.platform, requester.workspaceId, requester.memberId] as const;
  if (first?.toLowerCase() === 'reset') {
    const saved = await store.setMemberSettings(...member, { defaultModel: null, aspectRatio: null, quality: null });
    return `Reset. ${describeSettings('Your defaults', saved)}.`;
  }
  if (first !== undefined && first.toLowerCase() !== 'workspace') {
    const saved = await store.setMemberSettings(...member, parseSetting(context, first.toLowerCase(), second));
    return `Saved. ${describeSettings('Your defaults', saved)}.`;
  }
  const [mine, workspace] = await Promise.all([
    store.getMemberSettings(...member),
    store.getServerSettings('slack', requester.workspaceId),
  ]);
  return [
    describeSettings('Your defaults', mine),
    describeSettings('Workspace defaults', workspace),
    `Operator default model: \`${context.config.DEFAULT_MODEL}\`.`,
    usage,
  ].join('\n');
}
