import type { SqlDialect, SqlParams, SqlStatement } from './sql-statement.js';

/** Runs statements of the shared SQL (`sql-statement.ts`) on one engine. */
export interface SqlExecutor {
  all<Row>(statement: SqlStatement, params?: SqlParams): Promise<Row[]>;
  get<Row>(statement: SqlStatement, params?: SqlParams): Promise<Row | undefined>;
  /** Resolves to the number of rows changed. */
  run(statement: SqlStatement, params?: SqlParams): Promise<number>;
}

export interface TransactionOptions {
  /**
   * Names serialised across processes for the length of the transaction (PostgreSQL: transaction-scoped advisory
   * locks, taken in sorted order before anything is read). SQLite needs none: every transaction holds the write lock.
   */
  readonly locks?: readonly string[];
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it rejects. Statements must go
   * through the executor it is given; the database's own methods wait until the transaction has ended.
   */
  transaction<T>(work: (executor: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Idempotent. */
  close(): Promise<void>;
}
