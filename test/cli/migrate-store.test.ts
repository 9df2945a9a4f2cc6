import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createEngineHarness, type EngineHarness } from '../support/engine-harness.js';
import { createManualClock } from '../support/manual-clock.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { deliverAndEdit, runMigrateStore, runMigrateStoreIn } from './migrate-store-run.js';

let dataDir: TempDir;
let work: TempDir;
let schema: TestSchema;
const harnesses: EngineHarness[] = [];

beforeEach(() => {
  dataDir = createTempDir('threadpaint-migrate-data-');
  work = createTempDir('threadpaint-migrate-cwd-');
  schema = createTestSchema();
});
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
  dataDir.remove();
  work.remove();
  await schema.drop();
});

/** `threadpaint migrate-store …` from this test's data directory into its schema. */
function migrateStore(...args: string[]) {
  return runMigrateStore(
    { cwd: work.path, dataDir: dataDir.path, databaseUrl: schema.url, schema: schema.name },
    ...args,
  );
}

describe('threadpaint migrate-store', { timeout: 120_000 }, () => {
  it('carries a data directory into PostgreSQL, and its conversations continue there', async () => {
    const sqlite = createEngineHarness({ dataDir: dataDir.path });
    harnesses.push(sqlite);
    const { conversationId, edited } = await deliverAndEdit(sqlite);
    await sqlite.imagineDelivered('a red fox in the snow');
    await sqlite.store.setMemberSettings('slack', 'T1', 'U1', { aspectRatio: '16:9' });
    await sqlite.close();

    const copied = await migrateStore();
    expect(copied.stderr).toBe('');
    expect(copied.code).toBe(0);
    const lines = copied.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Copied DATA_DIR=.* into PostgreSQL at .* \\(schema ${schema.name}\\):$`));
    expect(lines).toContain('  conversations: 2 copied');
    expect(lines).toContain('  turns: 3 copied');
    expect(lines).toContain('  jobs: 3 copied');
    expect(lines).toContain('  member settings: 1 copied');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}images: [1-9]\d* copied$/));

    const again = await migrateStore();
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /the target already holds data \(table conversations is not empty\); nothing was copied\. Run `threadpaint migrate-store --merge`/,
    );
    const merged = await migrateStore('--merge');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('  conversations: 0 copied, 2 already there');
    expect(merged.stdout).toMatch(/images: 0 copied, [1-9]\d* already there/);

    // The data directory is gone: whatever the next edit reads comes from PostgreSQL.
    dataDir.remove();
    const storage = await openPostgresStore({ url: schema.url, schema: schema.name, maxConnections: 4 });
    const postgres = createEngineHarness({ storage, clock: createManualClock(sqlite.clock.now() + 60_000) });
    harnesses.push(postgres);
    const continued = await postgres.settle((await postgres.edit(conversationId, 'now at night')).job.id);
    expect(continued.job.state).toBe('delivered');
    expect(continued.turn.parentTurnId).toBe(edited.turn.id);
    expect(continued.turn.inputImages.map((image) => image.hash)).toEqual(
      edited.turn.outputImages.slice(0, 1).map((image) => image.hash),
    );
    expect((await postgres.store.listTurns(conversationId)).map((turn) => turn.instruction)).toEqual([
      'a lighthouse at dusk',
      'make it stormy',
      'now at night',
    ]);
    expect(await postgres.store.getMemberSettings('slack', 'T1', 'U1')).toEqual({ aspectRatio: '16:9' });
  });

  it('says what to set when DATABASE_URL is missing, and takes no other argument', async () => {
    const run = (args: string[], env: Record<string, string>) =>
      runMigrateStoreIn(work.path, { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir.path, ...env }, ...args).then(
        ({ code, stderr }) => ({ code, stderr }),
      );
    expect(await run([], {})).toEqual({
      code: 64,
      stderr:
        'threadpaint: migrate-store copies DATA_DIR into PostgreSQL: set DATABASE_URL (and DATABASE_SCHEMA) to the target\n',
    });
    expect(await run(['--force'], { DATABASE_URL: schema.url })).toEqual({
      code: 64,
      stderr: 'threadpaint: migrate-store takes no "--force"; usage: threadpaint migrate-store [--merge]\n',
    });
  });
});
