/**
 * Holds the lock of the `DATA_DIR` given as its only argument, prints `locked`, and waits to be killed. Run with
 * `node --import tsx`.
 */
import { lockDataDir } from '../../src/app/data-dir-lock.js';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: lock-holder-child.ts DATA_DIR\n');
  process.exit(64);
}
lockDataDir(dataDir);
process.stdout.write('locked\n');
setInterval(() => {}, 60_000);
