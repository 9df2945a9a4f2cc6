import { join } from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { createTempDir } from '../support/temp-dir.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', async () => {
  const directory = createTempDir('threadpaint-store-');
  const path = join(directory.path, 'data', 'threadpaint.db');
  return {
    open: async () => createSqliteStore({ path, now: () => 5_000 }),
    remove: async () => directory.remove(),
  };
});
