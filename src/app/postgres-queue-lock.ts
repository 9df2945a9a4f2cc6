import { hostname } from 'node:os';
import pg from 'pg';
import { describePostgresFailure } from '../store/postgres-errors.js';

/** The in-process queue of one schema, held by this process until `release` (or its death). */
export interface PostgresQueueLock {
  release(): Promise<void>;
}

export class QueueBusyError extends Error {
  override readonly name = 'QueueBusyError';
  constructor(
    readonly schema: string,
    readonly holder: string | undefined,
  ) {
    super(
      `DATABASE_SCHEMA=${schema} is in use by another threadpaint (${holder ?? 'a process that did not say who it is'}). Without REDIS_URL only one process may run the jobs of a schema: stop that one first, or set DATABASE_SCHEMA to another schema.`,
    );
  }
}

export interface PostgresQueueLockOptions {
  readonly url: string;
  readonly schema: string;
  /** Written where a second process can read it: who holds the queue. */
  readonly holder?: string;
  /** The lock's connection broke: another process may take the queue now, so this one must stop running jobs. */
  readonly onLost?: (error: Error) => void;
}

const lockKey = (schema: string) => `threadpaint:${schema}:queue`;
const holderPrefix = 'threadpaint queue: ';

/**
 * Takes the queue of `schema`: a session-level advisory lock on a connection of its own, which PostgreSQL drops when
 * the connection ends, SIGKILL included, so a lock left behind never blocks a restart. A second process is refused
 * with a `QueueBusyError` naming the holder (its `application_name`), having changed nothing.
 */
export async function lockPostgresQueue(options: PostgresQueueLockOptions): Promise<PostgresQueueLock> {
  const holder = options.holder ?? `process ${process.pid} on ${hostname()}`;
  const client = new pg.Client({
    connectionString: options.url,
    application_name: `${holderPrefix}${holder}`.slice(0, 63),
    connectionTimeoutMillis: 10_000,
  });
  let released = false;
  // pg may report one broken connection twice (the server's FATAL, then the socket closing): told once.
  client.on('error', (error) => {
    if (released) return;
    released = true;
    options.onLost?.(error);
  });
  try {
    await client.connect();
    const key = lockKey(options.schema);
    const taken = await client.query<{ taken: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken',
      [key],
    );
    if (!taken.rows[0]?.taken) throw new QueueBusyError(options.schema, await readHolder(client, key));
  } catch (error) {
    released = true;
    await client.end().catch(() => undefined);
    if (error instanceof QueueBusyError) throw error;
    throw describePostgresFailure(error, options.url, options.schema);
  }
  return {
    async release() {
      if (released) return;
      released = true;
      await client.end().catch(() => undefined);
    },
  };
}

/** The holder's `application_name`, from the lock it holds (a bigint advisory key is split over classid, objid). */
async function readHolder(client: pg.Client, key: string): Promise<string | undefined> {
  const result = await client.query<{ name: string }>(
    `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
       AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`,
    [key],
  );
  const name = result.rows[0]?.name;
  return name?.startsWith(holderPrefix) ? name.slice(holderPrefix.length) : undefined;
}
