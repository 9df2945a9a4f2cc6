import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import type { EngineHarness } from '../support/engine-harness.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'src/bin/threadpaint.ts');
const tsx = import.meta.resolve('tsx');

/** `threadpaint migrate-store …` as an operator runs it, in `cwd` with exactly the environment `env`. */
export function runMigrateStoreIn(
  cwd: string,
  env: Readonly<Record<string, string>>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsx, bin, 'migrate-store', ...args],
      { cwd, env, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `threadpaint migrate-store …` with a clean environment naming the source and target. */
export function runMigrateStore(
  where: { cwd: string; dataDir: string; databaseUrl: string; schema: string },
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    LOG_LEVEL: 'silent',
    DATA_DIR: where.dataDir,
    DATABASE_URL: where.databaseUrl,
    DATABASE_SCHEMA: where.schema,
  };
  return runMigrateStoreIn(where.cwd, env, ...args);
}

/** The conversation a migration carries: an image delivered, then edited and delivered again. */
export async function deliverAndEdit(harness: EngineHarness) {
  const first = await harness.imagineDelivered('a lighthouse at dusk');
  const conversationId = first.turn.conversationId;
  const edited = await harness.settle((await harness.edit(conversationId, 'make it stormy')).job.id);
  expect(edited.job.state).toBe('delivered');
  return { first, conversationId, edited };
}
