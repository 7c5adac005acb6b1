import { loadConfig } from './config';
import { embeddedServerFlags, parseServerSettings, serverFlags } from './embedded-postgres';

describe('EMBEDDED_PG_SETTINGS, read', () => {
  it('reads name=value pairs separated by commas or white space, names in any case', () => {
    expect(parseServerSettings('shared_buffers=256MB, max_wal_size=4GB  Checkpoint_Timeout=15min')).toEqual({ shared_buffers: '256MB', max_wal_size: '4GB', checkpoint_timeout: '15min' });
    expect(parseServerSettings('autovacuum_naptime=10s')).toEqual({ autovacuum_naptime: '10s' });
    expect(parseServerSettings('')).toEqual({});
  });

  it('refuses what is not a name=value pair: a bare name, a quoted value, a flag', () => {
    expect(() => parseServerSettings('shared_buffers')).toThrow(/shared_buffers/);
    expect(() => parseServerSettings("work_mem='4MB'")).toThrow(/work_mem/);
    expect(() => parseServerSettings('-c=1')).toThrow();
  });

  it.each([
    ['listen_addresses=0.0.0.0'],
    ['LISTEN_ADDRESSES=*'],
    ['port=6123'],
    ['unix_socket_directories=/tmp'],
    ['hba_file=/tmp/trust_hba.conf'],
    ['fsync=off'],
    ['synchronous_commit=off'],
    ['full_page_writes=off'],
    ['archive_command=/tmp/x.sh'],
    ['shared_preload_libraries=auto_explain'],
    ['log_statement=all'],
    ['data_directory=/tmp'],
    ['ssl=off'],
    ['max_connections=3'],
    ['shared_bufers=1GB'],
    ['__proto__=1'],
  ])('refuses %s: only memory, WAL, checkpoint, planner and autovacuum settings may be given', (pair) => {
    expect(() => parseServerSettings(`work_mem=8MB,${pair}`)).toThrow(/is not a setting this variable may give/);
  });

  it('puts the operator settings after ours and loopback last, so no setting given can open the server', () => {
    expect(serverFlags({ shared_buffers: '256MB', max_wal_size: '4GB' })).toEqual(['-c', 'shared_buffers=256MB', '-c', 'max_wal_size=4GB']);
    expect(embeddedServerFlags({ shared_buffers: '256MB', listen_addresses: '0.0.0.0' })).toEqual([
      '-c', 'max_connections=200', '-c', 'shared_buffers=256MB', '-c', 'listen_addresses=127.0.0.1',
    ]);
    expect(embeddedServerFlags()).toEqual(['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1']);
  });

  it('is read by the configuration: absent by default, a refusal is a configuration error naming the variable', () => {
    expect(loadConfig({}).embeddedPgSettings).toBeUndefined();
    expect(loadConfig({ EMBEDDED_PG_SETTINGS: 'work_mem=8MB' }).embeddedPgSettings).toEqual({ work_mem: '8MB' });
    expect(() => loadConfig({ EMBEDDED_PG_SETTINGS: 'work_mem 8MB' })).toThrow(/EMBEDDED_PG_SETTINGS/);
    expect(() => loadConfig({ EMBEDDED_PG_SETTINGS: 'fsync=off' })).toThrow(/EMBEDDED_PG_SETTINGS.*fsync is not a setting/);
  });
});
