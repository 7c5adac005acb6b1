import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveKey } from './keys';

/**
 * Issue 16, item 12: as root on a fresh checkout, whatever made DATA_DIR/keys first made DATA_DIR
 * 0700 too, and initdb (run as the postgres user) then could not reach DATA_DIR/pg/cluster.
 */
describe('generated keys on a fresh checkout', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'keys-'));
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the keys in a folder of their own (0700, files 0600) and DATA_DIR traversable (0755 under umask 022)', () => {
    const dataDir = join(root, 'checkout', '.data'); // neither exists yet
    const key = resolveKey(undefined, dataDir, 'jwt-signing.key');
    expect(key).toHaveLength(32);
    expect(statSync(dataDir).mode & 0o777).toBe(0o755);
    expect(statSync(join(dataDir, 'keys')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'keys', 'jwt-signing.key')).mode & 0o777).toBe(0o600);
    // The same key the next time.
    expect(resolveKey(undefined, dataDir, 'jwt-signing.key').equals(key)).toBe(true);
  });
});
