/*
 * The one SQL both engines run. Statements are written once, in the subset SQLite and PostgreSQL share (`RETURNING`,
 * `ON CONFLICT`, window functions, `CAST`, `||`), with named parameters (`@name`) and one macro:
 * `JSON_VALUES(@list)` is a subquery of the strings in a JSON array parameter (`state IN JSON_VALUES(@states)`,
 * `FROM JSON_VALUES(@hashes) AS list`, column `value`). Each engine compiles a statement once, on first use.
 */

export type SqlDialect = 'sqlite' | 'postgres';

/** Parameter values as both drivers bind them: booleans are 0/1 (PostgreSQL reads '1'/'0' as booleans too). */
export type SqlValue = string | number | null | Uint8Array;
export type SqlParams = Readonly<Record<string, SqlValue>>;

export interface SqlStatement {
  readonly text: string;
  /** Per dialect, filled on first use. */
  readonly compiled: Map<SqlDialect, CompiledStatement>;
}

export interface CompiledStatement {
  readonly text: string;
  /** PostgreSQL: the parameter name of `$1`, `$2`, …; SQLite binds by name. */
  readonly names: readonly string[];
  /** A stable name for a server-side prepared statement (PostgreSQL). */
  readonly key: string;
}

export function sql(text: string): SqlStatement {
  return { text, compiled: new Map() };
}

const parameterPattern = /@([A-Za-z_][A-Za-z0-9_]*)/g;
const jsonValuesPattern = /JSON_VALUES\((@[A-Za-z_][A-Za-z0-9_]*)\)/g;

let statementCount = 0;

export function compile(statement: SqlStatement, dialect: SqlDialect): CompiledStatement {
  const known = statement.compiled.get(dialect);
  if (known) return known;
  const compiled = dialect === 'sqlite' ? compileSqlite(statement.text) : compilePostgres(statement.text);
  statement.compiled.set(dialect, compiled);
  return compiled;
}

function compileSqlite(text: string): CompiledStatement {
  return {
    text: text.replace(jsonValuesPattern, '(SELECT value FROM json_each($1))'),
    names: [],
    key: `s${++statementCount}`,
  };
}

function compilePostgres(text: string): CompiledStatement {
  const expanded = text.replace(jsonValuesPattern, '(SELECT value FROM json_array_elements_text(CAST($1 AS json)))');
  const names: string[] = [];
  const positional = expanded.replace(parameterPattern, (_, name: string) => {
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  return { text: positional, names, key: `threadpaint_${++statementCount}` };
}

/** The values of `$1…$n` in order; a parameter the statement names but `params` lacks is a bug, not a NULL. */
export function positionalValues(compiled: CompiledStatement, params: SqlParams): SqlValue[] {
  return compiled.names.map((name) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`missing SQL parameter @${name}`);
    return value;
  });
}
