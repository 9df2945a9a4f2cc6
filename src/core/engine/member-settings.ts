import type { ModelCatalogue } from '../models/model-catalogue.js';
import type { MemberSettings, ServerSettings } from '../records.js';
import { parseRatio } from '../size-mapping.js';
import type { SettingsPatch } from '../store.js';
import { UserFacingError } from '../user-facing-error.js';
import { type ChannelRulesChange, channelRulesPatchOf } from './channel-rules.js';

/** Whose defaults a change is for: the member's own, or the whole workspace's (Discord server, Slack workspace). */
export type SettingsScope = 'member' | 'workspace';

/** A change to defaults as a platform read it; `null` clears a setting, a missing field keeps it. */
export interface SettingsChange extends ChannelRulesChange {
  readonly model?: string | null;
  readonly aspectRatio?: string | null;
  readonly quality?: string | null;
  /** Workspace only: cost units per member per hour. */
  readonly quotaMemberPerHour?: number | null;
  readonly quotaMemberPerDay?: number | null;
  readonly quotaServerPerDay?: number | null;
  // Workspace only, from ChannelRulesChange: allowed channels, blocked terms, allowed models.
}

/** What `settings` shows: the member's defaults, the workspace's, and the operator's model. */
export interface SettingsReport {
  readonly member: MemberSettings;
  readonly workspace: ServerSettings;
  readonly defaultModel: string;
}

/** Every setting cleared: what "reset" means. */
export const clearedSettings = { model: null, aspectRatio: null, quality: null } as const satisfies SettingsChange;

/** A quota a workspace sets: whole cost units, and not absurdly many (a typo must not switch a limit off). */
const maxQuotaUnits = 1_000_000;

/**
 * Checks a change and turns it into what the store keeps: a model by its id (an alias or an unknown name is
 * resolved or refused with suggestions), an aspect ratio reduced (`32:18` is `16:9`), a quality the catalogue
 * knows. Limits are the workspace's to set. Anything else throws the sentence that says what is allowed.
 */
export function settingsPatchOf(
  change: SettingsChange,
  scope: SettingsScope,
  catalogue: ModelCatalogue,
): SettingsPatch<ServerSettings> {
  const limits = [change.quotaMemberPerHour, change.quotaMemberPerDay, change.quotaServerPerDay];
  if (scope === 'member' && limits.some((limit) => limit !== undefined)) {
    throw new UserFacingError('bad_setting', 'Limits are set for the whole workspace, not for one member.');
  }
  const rules = [change.allowedChannels, change.blockedTerms, change.allowedModels];
  if (scope === 'member' && rules.some((rule) => rule !== undefined)) {
    throw new UserFacingError('bad_setting', 'Channel rules are set for the whole workspace, not for one member.');
  }
  for (const limit of limits) {
    if (limit !== undefined && limit !== null && !(Number.isFinite(limit) && limit >= 0 && limit <= maxQuotaUnits)) {
      throw new UserFacingError('bad_setting', `A limit is a number of cost units from 0 to ${maxQuotaUnits}.`);
    }
  }
  return {
    ...(change.model !== undefined
      ? { defaultModel: change.model === null ? null : catalogue.resolve(change.model).id }
      : {}),
    ...(change.aspectRatio !== undefined
      ? { aspectRatio: change.aspectRatio === null ? null : parseRatio(change.aspectRatio).label }
      : {}),
    ...(change.quality !== undefined
      ? { quality: change.quality === null ? null : knownQuality(change.quality, catalogue) }
      : {}),
    ...(change.quotaMemberPerHour !== undefined ? { quotaMemberPerHour: change.quotaMemberPerHour } : {}),
    ...(change.quotaMemberPerDay !== undefined ? { quotaMemberPerDay: change.quotaMemberPerDay } : {}),
    ...(change.quotaServerPerDay !== undefined ? { quotaServerPerDay: change.quotaServerPerDay } : {}),
    ...channelRulesPatchOf(change, catalogue),
  };
}

/** Whether a change is one the engine would save (a platform reading free text asks before calling it a setting). */
export function isValidSettingsChange(
  change: SettingsChange,
  scope: SettingsScope,
  catalogue: ModelCatalogue,
): boolean {
  try {
    settingsPatchOf(change, scope, catalogue);
    return true;
  } catch {
    return false;
  }
}

function knownQuality(value: string, catalogue: ModelCatalogue): string {
  const wanted = value.toLowerCase();
  const known = [...new Set(catalogue.list().flatMap((model) => model.qualities))];
  if (!known.includes(wanted)) throw new UserFacingError('bad_quality', `Quality is ${listWords(known)}.`);
  return wanted;
}

function listWords(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}
