import pg from 'pg';

/** A schema of the bench's own in the database `url` names, dropped with everything in it afterwards. */
export function benchSchema(url: string): { readonly url: string; readonly schema: string; drop(): Promise<void> } {
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  return {
    url,
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
