import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { temporaryDataDir } from './embedded-postgres';
import { startOwnPostgres } from '../../../test/support/own-postgres';

async function show(url: string, names: readonly string[]): Promise<Record<string, string>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const shown: Record<string, string> = {};
    for (const name of names) shown[name] = (await c.query<{ v: string }>(`SELECT current_setting($1) AS v`, [name])).rows[0]!.v;
    return shown;
  } finally {
    await c.end();
  }
}

describe('embedded PostgreSQL server settings (EMBEDDED_PG_SETTINGS)', () => {
  it('starts the server with the settings EMBEDDED_PG_SETTINGS gives, over its own; the listen address and connection limit stay ours', async () => {
    const dir = temporaryDataDir('pg-settings-');
    const pg = await startOwnPostgres(dir, undefined, 'shared_buffers=48MB,max_wal_size=2GB checkpoint_timeout=20min');
    try {
      expect(await show(pg.url, ['shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'listen_addresses', 'max_connections'])).toEqual({
        shared_buffers: '48MB',
        max_wal_size: '2GB',
        checkpoint_timeout: '20min',
        listen_addresses: '127.0.0.1',
        max_connections: '200',
      });
    } finally {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('says why when the server does not start: a setting with a value the server refuses gives its FATAL line', async () => {
    const dir = temporaryDataDir('pg-settings-bad-');
    try {
      await expect(startOwnPostgres(dir, undefined, 'shared_buffers=lots')).rejects.toThrow(/the embedded PostgreSQL did not start: [\s\S]*invalid value for parameter "shared_buffers": "lots"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
