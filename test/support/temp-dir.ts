import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDir {
  readonly path: string;
  /** Removes the directory and everything in it; safe to call twice. */
  remove(): void;
}

/** A fresh directory under the OS temp dir (a `DATA_DIR` for one test). */
export function createTempDir(prefix = 'threadpaint-test-'): TempDir {
  const directory = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    path: directory,
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
