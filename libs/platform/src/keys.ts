import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A secret key: the configured value (base64) when given; otherwise one generated once and kept,
 * readable by this user only, under DATA_DIR/keys/<file> — never a key written in the code.
 * Used for the PII master key and the token-signing key.
 */
export function resolveKey(configured: string | undefined, dataDir: string, file: string, bytes = 32): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const dir = join(resolve(dataDir), 'keys');
  const path = join(dir, file);
  if (!existsSync(path)) {
    // DATA_DIR itself keeps the usual mode: the embedded PostgreSQL (run as the postgres user when
    // we are root) must traverse it. Only the keys folder is this user's alone. (A recursive mkdir
    // with mode 0o700 would give DATA_DIR that mode too.)
    mkdirSync(resolve(dataDir), { recursive: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    writeFileSync(path, randomBytes(bytes).toString('base64'), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}
