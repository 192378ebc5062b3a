import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { clientUrl, PG_TEST_URL } from '../../api/test/helpers/store-factory.ts';

/**
 * A throwaway schema in the test database for API processes, which only take a DATABASE_URL: the
 * URL's `options` sets their search_path, as the store factory's `schema` option does in-process.
 */
export interface ThrowawaySchema {
  schema: string;
  /** DATABASE_URL for processes whose store lives in this schema. */
  url: string;
  /** A query on the test's own connection (not in the schema's search_path). */
  sql<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

export async function createThrowawaySchema(base = PG_TEST_URL): Promise<ThrowawaySchema> {
  const schema = `cc_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({
    connectionString: clientUrl(base),
    application_name: `credcheck-test-admin-${process.pid}`,
  });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    url: url.toString(),
    async sql(text, values) {
      return (await admin.query(text, values)).rows;
    },
    async drop() {
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
