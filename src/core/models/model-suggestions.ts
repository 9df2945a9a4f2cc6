import type { ModelSpec } from './model-spec.js';

const maxSuggestions = 3;
/** Models further than this (in edits) from the nearest one are not suggested beside it. */
const spread = 2;

/**
 * "Did you mean …" for an unknown model name: the models nearest to it by edit distance over their ids and aliases,
 * nearest first, each shown by the name that matched (`banana` → `nano-banana`). Undefined when nothing is near
 * enough to be a likely typo (`midjourney`).
 */
export function suggestModels(name: string, models: readonly ModelSpec[]): string | undefined {
  const wanted = name.trim().toLowerCase();
  if (wanted === '') return undefined;
  const ranked = models
    .map((model, order) => ({ model, order, ...nearestName(wanted, model) }))
    .sort((a, b) => a.score - b.score || a.order - b.order);
  const best = ranked[0];
  if (!best || best.score > Math.max(3, wanted.length * 0.6)) return undefined;
  const shown = ranked
    .filter((entry) => entry.score <= best.score + spread)
    .slice(0, maxSuggestions)
    .map(({ model, matched }) => (matched === model.id ? `\`${model.id}\`` : `\`${matched}\` (${model.id})`));
  return `Did you mean ${listWords(shown)}?`;
}

function nearestName(wanted: string, model: ModelSpec): { matched: string; score: number } {
  let matched = model.id;
  let score = Number.POSITIVE_INFINITY;
  for (const candidate of [model.id, ...model.aliases]) {
    const lower = candidate.toLowerCase();
    // A fragment of a name (`banana`, `gemini-flash`) is nearer to it than the edit distance says.
    const distance = editDistance(wanted, lower);
    const candidateScore =
      wanted.length >= 3 && lower.includes(wanted) ? Math.min(distance, (lower.length - wanted.length) / 4) : distance;
    if (candidateScore < score) {
      score = candidateScore;
      matched = candidate;
    }
  }
  return { matched, score };
}

function listWords(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
