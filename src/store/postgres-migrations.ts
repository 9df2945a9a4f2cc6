import { checkOrder, type MigrationResult, SchemaTooNewError } from './migrations.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { SchemaStep } from './store-schema.js';

const lockStatement = 'SELECT pg_advisory_lock(hashtextextended($1, 0))';
const unlockStatement = 'SELECT pg_advisory_unlock(hashtextextended($1, 0))';

/**
 * Creates the schema when it is missing and applies the pending steps, each in its own transaction with its row in
 * `schema_migrations`. The whole run holds a session-level advisory lock of the schema, so processes that start at
 * the same moment apply each step once: the others wait, then find nothing left to do.
 */
export async function migratePostgres(
  database: PostgresDatabase,
  steps: readonly SchemaStep[],
  now: () => number = Date.now,
): Promise<MigrationResult> {
  checkOrder(steps);
  const known = steps.at(-1)?.version ?? 0;
  const client = await database.pool.connect();
  const lockKey = database.lockKeyText('migrations');
  let broken: Error | undefined;
  try {
    await client.query(lockStatement, [lockKey]);
    try {
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [database.schema]);
      // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database even when it exists.
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS "${database.schema}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      const current = await client.query<{ version: number | null }>(
        'SELECT MAX(version) AS version FROM schema_migrations',
      );
      const from = current.rows[0]?.version ?? 0;
      if (from > known) throw new SchemaTooNewError(from, known, 'set DATABASE_SCHEMA to another schema');
      const applied: number[] = [];
      for (const step of steps) {
        if (step.version <= from) continue;
        await client.query('BEGIN');
        try {
          const ddl = step.ddl('postgres');
          if (ddl.trim() !== '') await client.query(ddl);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            step.version,
            step.name,
            now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        applied.push(step.version);
      }
      return { from, to: Math.max(from, known), applied };
    } finally {
      await client.query(unlockStatement, [lockKey]);
    }
  } catch (error) {
    // A connection whose lock or transaction state is unknown is not handed back to the pool.
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}
