import path from 'node:path';
import type { Config } from '../config/config.js';
import { backupDataDir } from '../store/sqlite-backup.js';
import { CliUsageError } from './cli-args.js';

/**
 * `threadpaint backup <directory>`: a consistent copy of `DATA_DIR` while the bot runs (see `backupDataDir`).
 * Exit 0 when the backup is whole; 1 when it was written without images whose stored bytes are damaged.
 */
export async function runBackup(
  config: Pick<Config, 'DATA_DIR'>,
  words: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const [target, ...rest] = words;
  if (!target || rest.length > 0)
    throw new CliUsageError('usage: threadpaint backup <new directory>   (copies DATA_DIR while the bot runs)');
  const summary = await backupDataDir(config.DATA_DIR, path.resolve(target));
  const size = `${(summary.databaseBytes / 1024).toFixed(0)} KB`;
  io.out(`backup of ${path.resolve(config.DATA_DIR)} written to ${summary.directory}`);
  io.out(`  database ${size}, ${summary.images} image${summary.images === 1 ? '' : 's'}`);
  io.out(`  restore: stop the bot, copy the directory where DATA_DIR should be, start with DATA_DIR set to it`);
  if (summary.missingImages.length > 0)
    io.err(
      `threadpaint: note: ${summary.missingImages.length} image(s) the database refers to were not in DATA_DIR (deleted since the snapshot, or lost before); their conversations will say they expired.`,
    );
  if (summary.corruptImages.length > 0) {
    io.err(
      `threadpaint: ${summary.corruptImages.length} stored image(s) are damaged (their bytes no longer match their hash) and were left out: ${summary.corruptImages.join(', ')}`,
    );
    return 1;
  }
  return 0;
}
