import { UserFacingError } from '../user-facing-error.js';
import { builtinModels } from './builtin-models.js';
import { type ImageApiDialect, type ModelSpec, type ModelSpecInput, modelSpecSchema } from './model-spec.js';

/** The models the bot knows, looked up by id or friendly alias. */
export interface ModelCatalogue {
  list(): readonly ModelSpec[];
  /** Exact id or alias, case-insensitive; undefined when unknown. */
  find(nameOrAlias: string): ModelSpec | undefined;
  /** Like `find`, but an unknown name is a member-facing error that suggests the nearest id. */
  resolve(nameOrAlias: string): ModelSpec;
}

/**
 * Operator entries either describe a new model in full, or override fields of a known one by id
 * (`{"id":"gpt-image-1","maxCount":2}`).
 */
export type ModelOverride = Partial<ModelSpecInput> & { id: string };

export interface ModelCatalogueOptions {
  /** The gateway dialect (`IMAGE_API_DIALECT`) of every model whose entry names none. */
  readonly dialect?: ImageApiDialect;
}

export function createModelCatalogue(
  overrides: readonly ModelOverride[] = [],
  options: ModelCatalogueOptions = {},
): ModelCatalogue {
  const byId = new Map<string, ModelSpecInput>(builtinModels.map((model) => [model.id, model]));
  for (const override of overrides) {
    const base = byId.get(override.id);
    byId.set(override.id, base ? { ...base, ...override } : (override as ModelSpecInput));
  }
  const models: ModelSpec[] = [];
  for (const [id, input] of byId) {
    const parsed = modelSpecSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`model "${id}": ${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}`);
    }
    models.push(
      parsed.data.dialect === undefined && options.dialect ? { ...parsed.data, dialect: options.dialect } : parsed.data,
    );
  }
  const lookup = new Map<string, ModelSpec>();
  for (const model of models) lookup.set(model.id.toLowerCase(), model);
  for (const model of models) {
    for (const alias of model.aliases) {
      if (!lookup.has(alias.toLowerCase())) lookup.set(alias.toLowerCase(), model);
    }
  }
  for (const model of models) {
    if (model.editSibling && !lookup.has(model.editSibling.toLowerCase())) {
      throw new Error(`model "${model.id}": editSibling "${model.editSibling}" is not in the catalogue`);
    }
  }

  const find = (name: string) => lookup.get(name.trim().toLowerCase());
  return {
    list: () => models,
    find,
    resolve(name) {
      const model = find(name);
      if (model) return model;
      const nearest = nearestName(name.trim().toLowerCase(), [...lookup.keys()]);
      const hint = nearest ? ` Did you mean \`${lookup.get(nearest)?.id}\`?` : '';
      throw new UserFacingError(
        'unknown_model',
        `Unknown model \`${name}\`.${hint} Known models: ${models.map((m) => m.id).join(', ')}.`,
      );
    },
  };
}

function nearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const prefixBonus = candidate.startsWith(name) || name.startsWith(candidate) ? -2 : 0;
    const score = editDistance(name, candidate) + prefixBonus;
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best !== undefined && bestScore <= Math.max(3, Math.floor(name.length / 2)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
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
