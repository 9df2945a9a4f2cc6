import { UserFacingError } from '../user-facing-error.js';
import { builtinModels } from './builtin-models.js';
import { type ImageApiDialect, type ModelSpec, type ModelSpecInput, modelSpecSchema } from './model-spec.js';
import { suggestModels } from './model-suggestions.js';

/** The models the bot knows, looked up by id or friendly alias. */
export interface ModelCatalogue {
  list(): readonly ModelSpec[];
  /** Exact id or alias, case-insensitive; undefined when unknown. */
  find(nameOrAlias: string): ModelSpec | undefined;
  /** Like `find`, but an unknown name is a member-facing error that suggests the nearest models. */
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
      const suggestion = suggestModels(name, models);
      const hint = suggestion ? ` ${suggestion}` : '';
      throw new UserFacingError(
        'unknown_model',
        `Unknown model \`${name}\`.${hint} Known models: ${models.map((m) => m.id).join(', ')}.`,
      );
    },
  };
}
