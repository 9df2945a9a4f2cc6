import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createTestSchema } from '../support/postgres-schema.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('PostgreSQL', async () => {
  const schema = createTestSchema();
  return {
    open: async () =>
      (await openPostgresStore({ url: schema.url, schema: schema.name, now: () => 5_000, maxConnections: 4 })).store,
    remove: () => schema.drop(),
  };
});
