import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

interface SpecParameter {
  readonly name: string;
  readonly in: string;
  readonly type?: string;
  readonly required?: boolean;
}

type SpecPaths = Record<string, Record<string, { parameters?: SpecParameter[] }>>;

/** Checks Web API arguments against Slack's OpenAPI 2.0 spec: a method the spec lists gets its types and required fields checked. */
export interface SpecValidator {
  /** Problems with the arguments; empty when valid or when the spec does not know the method. */
  check(method: string, args: Readonly<Record<string, unknown>>): string[];
  readonly loaded: boolean;
}

/** The repository root: the nearest directory above this file (or its compiled copy) with threadpaint's package.json. */
export function findRepoRoot(start: string = import.meta.dirname): string {
  let directory = start;
  for (;;) {
    const manifest = path.join(directory, 'package.json');
    if (existsSync(manifest) && /"name":\s*"threadpaint"/.test(readFileSync(manifest, 'utf8'))) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) return path.resolve(import.meta.dirname, '../..');
    directory = parent;
  }
}

/** Slack's Web API spec, vendored with its licence and source (`test/fixtures/specs/SOURCES.json`). */
export const defaultSpecPath = () =>
  path.resolve(findRepoRoot(), 'test', 'fixtures', 'specs', 'slack-web-openapi-v2.json');

export function loadSpecValidator(specPath: string = defaultSpecPath()): SpecValidator {
  // A fake that silently stops validating would pass what Slack rejects: a missing spec is an error.
  if (!existsSync(specPath)) throw new Error(`fake Slack: the spec ${specPath} is missing`);
  const paths = (JSON.parse(readFileSync(specPath, 'utf8')) as { paths: SpecPaths }).paths;
  // Form fields arrive as strings: coerce them to the declared type, as Slack does.
  const ajv = new Ajv({ coerceTypes: true, allErrors: true, strict: false });
  const validators = new Map<string, ValidateFunction>();

  function validatorFor(method: string): ValidateFunction | undefined {
    if (validators.has(method)) return validators.get(method);
    const operations = paths[`/${method}`];
    const operation = operations?.['post'] ?? operations?.['get'];
    if (!operation) return undefined;
    // The token travels in the Authorization header; every other declared argument is checked by type.
    const parameters = (operation.parameters ?? []).filter((parameter) => parameter.name !== 'token');
    const schema = {
      type: 'object',
      properties: Object.fromEntries(
        parameters.map((parameter) => [parameter.name, { type: parameter.type ?? 'string' }]),
      ),
      required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
    };
    const validate = ajv.compile(schema);
    validators.set(method, validate);
    return validate;
  }

  return {
    loaded: true,
    check(method, args) {
      const validate = validatorFor(method);
      if (!validate) return [];
      const copy = structuredClone(args) as Record<string, unknown>;
      if (validate(copy)) return [];
      return (validate.errors ?? []).map((error) =>
        `${method}: ${error.instancePath || 'arguments'} ${error.message ?? 'invalid'}`.replace('  ', ' '),
      );
    },
  };
}
