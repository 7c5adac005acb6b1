import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { loadConfig } from './config';
import { parseServerSettings, serverFlags, temporaryDataDir } from './embedded-postgres';
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
  it('reads name=value pairs separated by commas or spaces, and refuses anything else', () => {
    expect(parseServerSettings('shared_buffers=256MB, max_wal_size=4GB  checkpoint_timeout=15min')).toEqual({ shared_buffers: '256MB', max_wal_size: '4GB', checkpoint_timeout: '15min' });
    expect(parseServerSettings('')).toEqual({});
    expect(() => parseServerSettings('shared_buffers')).toThrow(/shared_buffers/);
    expect(() => parseServerSettings("work_mem='4MB'")).toThrow(/work_mem/);
    expect(() => parseServerSettings('-c=1')).toThrow();
    expect(serverFlags({ shared_buffers: '256MB', max_wal_size: '4GB' })).toEqual(['-c', 'shared_buffers=256MB', '-c', 'max_wal_size=4GB']);
    expect(loadConfig({}).embeddedPgSettings).toBeUndefined();
    expect(loadConfig({ EMBEDDED_PG_SETTINGS: 'work_mem=8MB' }).embeddedPgSettings).toEqual({ work_mem: '8MB' });
    expect(() => loadConfig({ EMBEDDED_PG_SETTINGS: 'work_mem 8MB' })).toThrow(/EMBEDDED_PG_SETTINGS/);
  });

  it('starts the server with the settings EMBEDDED_PG_SETTINGS gives, over its own; the listen address stays loopback even when they name another', async () => {
    const dir = temporaryDataDir('pg-settings-');
    const pg = await startOwnPostgres(dir, undefined, 'shared_buffers=48MB,max_wal_size=2GB checkpoint_timeout=20min,listen_addresses=0.0.0.0');
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
});
