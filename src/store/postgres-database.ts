import pg from 'pg';
import type { SqlDatabase, SqlExecutor } from './sql-database.js';
import { compile, positionalValues, type SqlParams, type SqlStatement } from './sql-statement.js';

export interface PostgresDatabaseOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string;
  /** Where the tables live (created when missing); the only schema on the connections' `search_path`. */
  readonly schema: string;
  /** Connections at most (each process holds its own pool). */
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
  /** An idle connection that fails (the server restarted, the network dropped): the pool replaces it. */
  readonly onIdleError?: (error: Error) => void;
}

export const postgresDatabaseDefaults = {
  maxConnections: 10,
  connectTimeoutMs: 10_000,
  onIdleError: () => {},
} as const satisfies Required<Omit<PostgresDatabaseOptions, 'url' | 'schema'>>;

export interface PostgresDatabase extends SqlDatabase {
  readonly schema: string;
  readonly pool: pg.Pool;
  /** The 64-bit advisory lock key of `name` in this schema (deployments sharing a database never collide). */
  lockKeyText(name: string): string;
}

/** Schema names threadpaint accepts: a plain lowercase identifier, so it never needs quoting in `search_path`. */
export const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

const int8 = 20;
const numeric = 1700;

/** Epoch milliseconds (BIGINT), counts and sums come back as numbers. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format !== 'binary' && (oid === int8 || oid === numeric)) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

const lockStatement = (key: string) => `SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;

/**
 * The shared SQL on a `pg` pool. Every statement is a named prepared statement (parsed once per connection). A
 * transaction runs at READ COMMITTED on one connection; what must hold across processes is serialised by the
 * advisory locks it names, by row locks (an UPDATE first) or by unique keys.
 */
export function createPostgresDatabase(options: PostgresDatabaseOptions): PostgresDatabase {
  const { maxConnections, connectTimeoutMs, onIdleError } = { ...postgresDatabaseDefaults, ...options };
  if (!schemaNamePattern.test(options.schema)) throw new TypeError(`not a schema name: ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: maxConnections,
    connectionTimeoutMillis: connectTimeoutMs,
    options: `-c search_path=${options.schema}`,
    application_name: 'threadpaint',
    types,
  });
  pool.on('error', onIdleError);
  const lockKeyText = (name: string) => `threadpaint:${options.schema}:${name}`;

  function executorOn(client: pg.Pool | pg.PoolClient): SqlExecutor {
    async function query(statement: SqlStatement, params: SqlParams = {}) {
      const compiled = compile(statement, 'postgres');
      const values = positionalValues(compiled, params);
      return client.query({ name: compiled.key, text: compiled.text, values });
    }
    return {
      all: async <Row>(statement: SqlStatement, params?: SqlParams) => (await query(statement, params)).rows as Row[],
      get: async <Row>(statement: SqlStatement, params?: SqlParams) =>
        (await query(statement, params)).rows[0] as Row | undefined,
      run: async (statement, params) => (await query(statement, params)).rowCount ?? 0,
    };
  }

  let ended = false;
  return {
    dialect: 'postgres',
    schema: options.schema,
    pool,
    lockKeyText,
    ...executorOn(pool),
    async transaction(work, transactionOptions = {}) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // BEGIN and the locks in one round trip (a simple query: the key is a quoted literal, never spliced raw).
        const locks = [...new Set(transactionOptions.locks ?? [])].sort();
        await client.query(
          ['BEGIN', ...locks.map((name) => lockStatement(client.escapeLiteral(lockKeyText(name))))].join(';'),
        );
        const result = await work(executorOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (ended) return;
      ended = true;
      await pool.end();
    },
  };
}
