import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../src/core/store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { job, seed, turn } from './store-fixtures.js';

let schema: TestSchema;
let store: Store;
let other: pg.Client;

beforeEach(async () => {
  schema = createTestSchema();
  store = (await openPostgresStore({ url: schema.url, schema: schema.name, maxConnections: 2 })).store;
  other = new pg.Client({ connectionString: schema.url, options: `-c search_path=${schema.name}` });
  await other.connect();
});
afterEach(async () => {
  await other.end();
  await store.close();
  await schema.drop();
});

describe('retention on PostgreSQL', () => {
  it('spares an expired conversation that another process continued while the cleanup waited for it', async () => {
    await seed(store, 'old', 1_000);
    await store.updateJob('old-j1', { state: 'delivered', updatedAt: 1_000 });
    // Another process continues the conversation: a new turn and queued job, and the conversation touched.
    const otherPid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await other.query('BEGIN');
    await other.query("UPDATE conversations SET updated_at = 50000 WHERE id = 'old'");
    const next = turn({ id: 'old-t2', conversationId: 'old', parentTurnId: 'old-t1', jobId: 'old-j2' });
    await other.query(
      `INSERT INTO turns (id, conversation_id, parent_turn_id, author_id, action, instruction, input_images,
         output_images, output_count, job_id, upstream_request_ids, notices, created_at)
       VALUES ($1, 'old', 'old-t1', 'U1', 'edit', 'make it stormy', '[]', '[]', 0, $2, '[]', '[]', 50000)`,
      [next.id, next.jobId],
    );
    const queued = job({ id: 'old-j2', conversationId: 'old', turnId: 'old-t2' });
    await other.query(
      `INSERT INTO jobs (id, conversation_id, turn_id, platform, workspace_id, member_id, action, state, input,
         delivery, cost_units, created_at, updated_at)
       VALUES ($1, 'old', 'old-t2', 'slack', 'T1', 'U1', 'edit', 'queued', $2, '{}', 1, 50000, 50000)`,
      [queued.id, JSON.stringify(queued.input)],
    );

    // The cleanup read the conversation as expired before that commit, and now waits on its row.
    const cleanup = store.deleteExpired(10_000);
    await vi.waitFor(async () => {
      const waiting = await schema.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [
        otherPid,
      ]);
      expect(waiting).toHaveLength(1);
    });
    await other.query('COMMIT');

    expect(await cleanup).toEqual({ conversations: 0, orphanedHashes: [] });
    expect((await store.getJob('old-j2'))?.state).toBe('queued');
    expect((await store.listTurns('old')).map((each) => each.id)).toEqual(['old-t1', 'old-t2']);
  });
});
