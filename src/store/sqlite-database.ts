import type Database from 'better-sqlite3';
import type { SqlDatabase, SqlExecutor } from './sql-database.js';
import { compile, type SqlParams, type SqlStatement } from './sql-statement.js';

/**
 * The shared SQL on one better-sqlite3 connection. Statements are prepared once and run synchronously behind a
 * resolved promise. A transaction is `BEGIN IMMEDIATE` (the write lock before anything is read, so its checks hold
 * against other processes too) and owns the connection until it ends: statements from outside it wait, so none
 * lands inside it by accident or is lost to its rollback.
 */
export function createSqliteDatabase(db: Database.Database, beforeClose: () => void = () => {}): SqlDatabase {
  const prepared = new Map<string, Database.Statement>();
  let transactionEnded: Promise<void> | undefined;

  function statementOf(statement: SqlStatement): Database.Statement {
    const compiled = compile(statement, 'sqlite');
    let found = prepared.get(compiled.key);
    if (!found) {
      found = db.prepare(compiled.text);
      prepared.set(compiled.key, found);
    }
    return found;
  }

  const bind = (params: SqlParams | undefined) => (params === undefined ? [] : [params]);

  const direct: SqlExecutor = {
    all: async <Row>(statement: SqlStatement, params?: SqlParams) =>
      statementOf(statement).all(...bind(params)) as Row[],
    get: async <Row>(statement: SqlStatement, params?: SqlParams) =>
      statementOf(statement).get(...bind(params)) as Row | undefined,
    run: async (statement, params) => statementOf(statement).run(...bind(params)).changes,
  };

  return {
    dialect: 'sqlite',
    async all(statement, params) {
      while (transactionEnded) await transactionEnded;
      return direct.all(statement, params);
    },
    async get(statement, params) {
      while (transactionEnded) await transactionEnded;
      return direct.get(statement, params);
    },
    async run(statement, params) {
      while (transactionEnded) await transactionEnded;
      return direct.run(statement, params);
    },
    async transaction(work) {
      // Checked again after every wait, with no await between the check and the claim: two waiting transactions
      // wake together, and only the first may go on.
      while (transactionEnded) await transactionEnded;
      let end = () => {};
      transactionEnded = new Promise((resolve) => {
        end = resolve;
      });
      try {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      } finally {
        transactionEnded = undefined;
        end();
      }
    },
    /** Waits for the transaction in progress, if any. */
    async close() {
      while (transactionEnded) await transactionEnded;
      if (!db.open) return;
      beforeClose();
      db.close();
    },
  };
}
