import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { createFormErrors } from './fake-discord-errors.js';
import { relevantErrors } from './fake-discord-spec-errors.js';

/** The nearest directory with a package.json: the repository, whether this runs from `test/` or from `dist/test/`. */
function findRepoRoot(start: string): string {
  let directory = start;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) return path.resolve(start, '..', '..');
    directory = parent;
  }
  return directory;
}

const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

/** Discord's OpenAPI spec, vendored with its licence and source (`test/fixtures/specs/SOURCES.json`). */
export const defaultDiscordSpecPath = path.resolve(repoRoot, 'test', 'fixtures', 'specs', 'discord-openapi.json');

interface OpenApiOperation {
  readonly operationId?: string;
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: unknown }> };
}

interface OpenApiSpec {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: unknown;
}

/** Checks request bodies against the official spec, one operation at a time. */
export interface SpecValidator {
  readonly enabled: boolean;
  /** Throws 400/50035 (`violation: 'spec'`) when `body` breaks the operation's JSON request schema. */
  check(template: string, method: string, body: unknown): void;
  /** Compiles these operations now instead of on first use (benchmarks: keep compiling out of the measured run). */
  prepare(operations: readonly { readonly method: string; readonly template: string }[]): void;
  /** Milliseconds spent reading the spec (`load`) and compiling each operation (`POST /channels/…`). */
  readonly timings: ReadonlyMap<string, number>;
}

const specRef = 'discord-openapi';
const loaded = new Map<string, SpecValidator>();

/**
 * The validator for a spec file, built once per process: the spec is parsed and registered at once (about 40 ms),
 * each operation's schema compiled on first use and cached (the first compiles the shared component schemas,
 * about 300 ms; later ones take a few ms). A missing file disables validation with one warning.
 */
export function specValidator(specPath: string = defaultDiscordSpecPath): SpecValidator {
  const existing = loaded.get(specPath);
  if (existing) return existing;
  // A fake that silently stops validating would pass what Discord rejects: a missing spec is an error.
  if (!existsSync(specPath)) throw new Error(`fake Discord: the spec ${specPath} is missing`);
  const validator = buildValidator(specPath);
  loaded.set(specPath, validator);
  return validator;
}

function buildValidator(specPath: string): SpecValidator {
  const timings = new Map<string, number>();
  const started = performance.now();
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as OpenApiSpec;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the spec's own keywords (x-discord-union) are ignored.
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
  ajvFormats.default(ajv);
  ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
  ajv.addFormat('nonce', true);
  ajv.addSchema({ $id: specRef, components: spec.components });
  timings.set('load', performance.now() - started);
  const compiled = new Map<string, ValidateFunction | undefined>();

  function compile(template: string, method: string): ValidateFunction | undefined {
    const key = `${method} ${template}`;
    if (compiled.has(key)) return compiled.get(key);
    const schema = spec.paths[template]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
    const begin = performance.now();
    const validate =
      schema === undefined
        ? undefined
        : ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${specRef}#/components/`)));
    compiled.set(key, validate);
    timings.set(key, performance.now() - begin);
    return validate;
  }

  return {
    enabled: true,
    timings,
    prepare(operations) {
      for (const operation of operations) compile(operation.template, operation.method);
    },
    check(template, method, body) {
      if (body === undefined) return;
      const validate = compile(template, method);
      if (!validate || validate(body)) return;
      const errors = createFormErrors();
      for (const error of relevantErrors(validate.errors ?? [])) errors.add(error.path, error.code, error.message);
      errors.throwIfAny('spec');
    },
  };
}
