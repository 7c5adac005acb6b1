import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { migrate, MIGRATIONS } from '@app/platform';

export interface TestDatabase {
  readonly url: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database on the run's embedded server, for one test file (or one test).
 * Refuses to work anywhere but the test server: its name always starts with `test_`.
 */
export async function createTestDatabase(options: { migrate?: boolean; icuLocale?: string } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test` (jest global setup starts PostgreSQL)');
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  // The test server's default collation is C (code point order); `icuLocale` gives the database a linguistic one
  // instead, as a production server initialised with a language's locale has, for specs of what depends on order.
  const icu = options.icuLocale;
  if (icu !== undefined && !/^[A-Za-z0-9_-]+$/.test(icu)) throw new Error(`not an ICU locale: ${icu}`);
  await admin.query(`CREATE DATABASE ${name}${icu === undefined ? '' : ` TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE '${icu}'`}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  if (options.migrate !== false) await migrate(url, MIGRATIONS);
  const pool = new Pool({ connectionString: url, max: 10 });
  // Dropping the database ends idle connections from the server side; that is expected here.
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
