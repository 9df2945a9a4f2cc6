import pg from 'pg';

/**
 * Jobs are taken in the order they were made: `created_at`, then the insertion order (`rowid`, the identity column
 * the store gives PostgreSQL tables), so two jobs of one millisecond keep their order.
 *
 * Fairness across processes, decided in PostgreSQL: a job is handed to BullMQ only when nothing of its member and
 * nothing of its conversation is in flight. `queue_dispatch` holds the jobs handed over (in flight until their
 * state leaves queued / running / generated); each `release` runs in one transaction under an advisory lock of the
 * schema, so two processes never hand over two jobs of one member or one conversation, and a member's jobs go in
 * the order they were made. Whoever ends a job calls `release` again, which frees its row and hands the next over.
 */
export interface JobDispatch {
  /** Frees the rows of ended jobs and hands over every job that may run now, in order; their ids. */
  release(): Promise<DispatchResult>;
  /** Jobs handed over and still waiting to start or to be delivered (the reconciler checks Redis holds them). */
  listHandedOver(): Promise<string[]>;
  /** Jobs stored as `running`, with when they started. */
  listRunning(): Promise<Array<{ id: string; startedAt: number }>>;
  /** 1-based position among queued jobs (the order they were made), or undefined when not queued. */
  position(jobId: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface DispatchResult {
  readonly handedOver: readonly string[];
  /** Jobs queued or generated that are not handed over yet. */
  readonly waiting: number;
}

export interface JobDispatchOptions {
  readonly url: string;
  /** `DATABASE_SCHEMA`: validated by the configuration as a plain identifier (no quoting needed). */
  readonly schema: string;
  /** Most jobs looked at per release (the oldest first): a bound on one transaction's work. */
  readonly scanLimit?: number;
}

const inFlight = `('queued', 'running', 'generated')`;

export async function openJobDispatch(options: JobDispatchOptions): Promise<JobDispatch> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 3,
    options: `-c search_path=${options.schema}`,
    application_name: 'threadpaint dispatch',
  });
  pool.on('error', () => undefined);
  const lockKey = `threadpaint:${options.schema}:dispatch`;
  const scanLimit = options.scanLimit ?? 1_000;

  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  // Several processes start at once: the table is made under the same lock.
  await transaction(async (client) => {
    await client.query(
      `CREATE TABLE IF NOT EXISTS queue_dispatch (
         job_id TEXT PRIMARY KEY,
         member_key TEXT NOT NULL,
         conversation_id TEXT NOT NULL,
         handed_at BIGINT NOT NULL
       )`,
    );
  });

  return {
    release: () =>
      transaction(async (client) => {
        await client.query(
          `DELETE FROM queue_dispatch d WHERE NOT EXISTS
             (SELECT 1 FROM jobs j WHERE j.id = d.job_id AND j.state IN ${inFlight})`,
        );
        const busy = await client.query<{ member_key: string; conversation_id: string }>(
          `SELECT member_key, conversation_id FROM queue_dispatch
           UNION ALL
           SELECT platform || ':' || workspace_id || ':' || member_id, conversation_id FROM jobs WHERE state = 'running'`,
        );
        const busyMembers = new Set(busy.rows.map((row) => row.member_key));
        const busyConversations = new Set(busy.rows.map((row) => row.conversation_id));
        const candidates = await client.query<{ id: string; member_key: string; conversation_id: string }>(
          `SELECT id, platform || ':' || workspace_id || ':' || member_id AS member_key, conversation_id FROM jobs
           WHERE state IN ('queued', 'generated') AND id NOT IN (SELECT job_id FROM queue_dispatch)
           ORDER BY created_at, rowid LIMIT $1`,
          [scanLimit],
        );
        const chosen: typeof candidates.rows = [];
        for (const job of candidates.rows) {
          const free = !busyMembers.has(job.member_key) && !busyConversations.has(job.conversation_id);
          // Taken or not, a job keeps its member's and conversation's later jobs behind it: order holds.
          busyMembers.add(job.member_key);
          busyConversations.add(job.conversation_id);
          if (free) chosen.push(job);
        }
        if (chosen.length > 0) {
          await client.query(
            `INSERT INTO queue_dispatch (job_id, member_key, conversation_id, handed_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`,
            [
              chosen.map((job) => job.id),
              chosen.map((job) => job.member_key),
              chosen.map((job) => job.conversation_id),
              chosen.map(() => Date.now()),
            ],
          );
        }
        return { handedOver: chosen.map((job) => job.id), waiting: candidates.rows.length - chosen.length };
      }),
    async listHandedOver() {
      const result = await pool.query<{ job_id: string }>(
        `SELECT d.job_id FROM queue_dispatch d JOIN jobs j ON j.id = d.job_id
         WHERE j.state IN ('queued', 'generated') ORDER BY d.handed_at LIMIT $1`,
        [scanLimit * 5],
      );
      return result.rows.map((row) => row.job_id);
    },
    async listRunning() {
      const result = await pool.query<{ id: string; started_at: string | null; updated_at: string }>(
        `SELECT id, started_at, updated_at FROM jobs WHERE state = 'running' ORDER BY started_at LIMIT $1`,
        [scanLimit * 5],
      );
      return result.rows.map((row) => ({ id: row.id, startedAt: Number(row.started_at ?? row.updated_at) }));
    },
    async position(jobId) {
      const result = await pool.query<{ ahead: string }>(
        `SELECT count(*) AS ahead FROM jobs j, (SELECT created_at, rowid FROM jobs WHERE id = $1 AND state = 'queued') me
         WHERE j.state = 'queued' AND (j.created_at, j.rowid) <= (me.created_at, me.rowid)`,
        [jobId],
      );
      const ahead = Number(result.rows[0]?.ahead ?? 0);
      return ahead > 0 ? ahead : undefined;
    },
    close: () => pool.end(),
  };
}
