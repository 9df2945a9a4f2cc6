import type { ModelCatalogue } from '../models/model-catalogue.js';
import { refuseControlCharacters } from '../plain-text.js';
import type { ServerSettings } from '../records.js';
import { UserFacingError } from '../user-facing-error.js';

/*
 * A workspace's channel rules, set by its admins with `/settings` and kept with its settings: the channels the bot
 * answers in, terms a prompt may not contain, the models members may use. The engine applies them where every
 * request passes (submit, precheck, retry), so a slash command, a thread reply, a button and a reaction are refused
 * alike, before any job or image is stored.
 */

/** Bounds of what an admin may set: enough for any real server, small enough to check on every request. */
export const channelRuleBounds = { maxChannels: 100, maxTerms: 200, maxTermChars: 100 } as const;

/** A platform's channel id (Discord snowflake, Slack `C…`/`G…`): letters, digits, `_` and `-` only. */
const channelIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** The settings fields a change to the rules may set; `null` (or an empty list) clears a rule. */
export interface ChannelRulesChange {
  readonly allowedChannels?: readonly string[] | null;
  readonly blockedTerms?: readonly string[] | null;
  readonly allowedModels?: readonly string[] | null;
}

type RulesPatch = {
  allowedChannels?: readonly string[] | null;
  blockedTerms?: readonly string[] | null;
  allowedModels?: readonly string[] | null;
};

const everyWords = new Set(['all', 'any', 'every', 'none', 'clear', 'default', 'reset']);

/**
 * A list as an admin types it (`castle, red dragon`): items split on commas, semicolons and line breaks, blanks
 * dropped; a word that means "no rule" (`all`, `none`, `clear`, `default`) clears it. Bounded before it is split.
 */
export function ruleListOf(text: string, separator: RegExp = /[,;\n]+/): readonly string[] | null {
  if (text.length > 20_000) throw new UserFacingError('bad_setting', 'That list is too long for one setting.');
  const trimmed = text.trim();
  if (trimmed === '' || everyWords.has(trimmed.toLowerCase())) return null;
  return trimmed
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Checks a change to the rules and turns it into what the store keeps (model names resolved to their ids). */
export function channelRulesPatchOf(change: ChannelRulesChange, catalogue: ModelCatalogue): RulesPatch {
  const patch: RulesPatch = {};
  if (change.allowedChannels !== undefined) patch.allowedChannels = channelsOf(change.allowedChannels);
  if (change.blockedTerms !== undefined) patch.blockedTerms = termsOf(change.blockedTerms);
  if (change.allowedModels !== undefined) patch.allowedModels = modelsOf(change.allowedModels, catalogue);
  return patch;
}

function channelsOf(channels: readonly string[] | null): readonly string[] | null {
  if (channels === null || channels.length === 0) return null;
  const unique = [...new Set(channels.map((channel) => channel.trim()))];
  if (unique.length > channelRuleBounds.maxChannels) {
    throw new UserFacingError(
      'bad_setting',
      `At most ${channelRuleBounds.maxChannels} channels can be listed; ${unique.length} were given.`,
    );
  }
  if (unique.some((channel) => !channelIdPattern.test(channel))) {
    throw new UserFacingError('bad_setting', 'Channels are given as channel links or ids, separated by spaces.');
  }
  return unique;
}

function termsOf(terms: readonly string[] | null): readonly string[] | null {
  if (terms === null) return null;
  const kept: string[] = [];
  for (const term of terms) {
    refuseControlCharacters(term, 'A blocked term');
    const trimmed = term.trim().replace(/\s+/g, ' ');
    if (trimmed === '') continue;
    if (trimmed.length > channelRuleBounds.maxTermChars) {
      throw new UserFacingError(
        'bad_setting',
        `A blocked term is at most ${channelRuleBounds.maxTermChars} characters; one has ${trimmed.length}.`,
      );
    }
    if (foldText(trimmed) === '') {
      throw new UserFacingError('bad_setting', 'A blocked term needs at least one letter or digit.');
    }
    if (!kept.some((known) => foldText(known) === foldText(trimmed))) kept.push(trimmed);
  }
  if (kept.length > channelRuleBounds.maxTerms) {
    throw new UserFacingError(
      'bad_setting',
      `At most ${channelRuleBounds.maxTerms} blocked terms can be listed; ${kept.length} were given.`,
    );
  }
  return kept.length > 0 ? kept : null;
}

function modelsOf(models: readonly string[] | null, catalogue: ModelCatalogue): readonly string[] | null {
  if (models === null || models.length === 0) return null;
  // An alias or a near miss is resolved or refused with suggestions, as everywhere else a model is named.
  const ids = [...new Set(models.map((model) => catalogue.resolve(model.trim()).id))];
  return ids.length === catalogue.list().length ? null : ids;
}

/**
 * Text as it is compared: accents and other marks dropped (NFKD: `Café` and `ｃａｆｅ` are `cafe`), lower case,
 * every run of anything but letters and digits one space, trimmed. Whole words only, so a term never matches inside
 * another word (`ass` is not in `class`).
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Whether the prompt (flags already removed) contains a blocked term as a whole word or phrase. */
export function containsBlockedTerm(prompt: string, terms: readonly string[]): boolean {
  const folded = ` ${foldText(prompt)} `;
  return terms.some((term) => {
    const wanted = foldText(term);
    return wanted !== '' && folded.includes(` ${wanted} `);
  });
}

/** Where a request is made: the channel its conversation lives in (a thread belongs to its channel). */
export function refuseOutsideAllowedChannels(server: ServerSettings, channelId: string): void {
  const allowed = server.allowedChannels;
  if (!allowed || allowed.length === 0 || allowed.includes(channelId)) return;
  throw new UserFacingError(
    'channel_not_allowed',
    "I don't make images in this channel here; an admin chose the channels I answer in.",
  );
}

/** A prompt with a blocked term: refused with a sentence that never repeats the term. */
export function refuseBlockedTerms(server: ServerSettings, prompt: string): void {
  const terms = server.blockedTerms;
  if (!terms || terms.length === 0 || !containsBlockedTerm(prompt, terms)) return;
  throw new UserFacingError(
    'blocked_term',
    'This prompt uses a word or phrase that is not allowed here; reword it and send it again.',
  );
}

/** A model the workspace's admins did not allow; the sentence names the ones they did. */
export function refuseDisallowedModel(server: ServerSettings, modelId: string): void {
  const allowed = server.allowedModels;
  if (!allowed || allowed.length === 0 || allowed.includes(modelId)) return;
  throw new UserFacingError(
    'model_not_allowed',
    `${modelId} is not allowed here. Models you can use: ${allowed.join(', ')}.`,
  );
}

/** Every rule, for a request whose channel, prompt and model are known. */
export function applyChannelRules(
  server: ServerSettings,
  request: { readonly channelId: string; readonly prompt: string; readonly modelId: string },
): void {
  refuseOutsideAllowedChannels(server, request.channelId);
  refuseBlockedTerms(server, request.prompt);
  refuseDisallowedModel(server, request.modelId);
}
