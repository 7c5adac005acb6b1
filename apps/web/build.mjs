// `npm run build:web` (and so `npm start` and `npm test`): builds the front end into dist/web with
// Vite, unless nothing it is built from changed since the last build. "What it is built from" is
// every file under apps/web and the lock file (the versions of Vue, Element Plus, ECharts, Vite);
// their SHA-256 is kept beside the output, so a start with nothing changed only hashes ~50 files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'dist', 'web');
const stamp = join(out, '.source-hash');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' ? [] : e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...files(here), join(root, 'package-lock.json')].sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
const want = sourceHash();
if (!force && existsSync(join(out, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) {
  if (!process.argv.includes('--quiet')) console.log('web: up to date (dist/web)');
} else {
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(here, 'vite.config.mts'), logLevel: 'warn' });
  writeFileSync(stamp, want);
  const size = readdirSync(join(out, 'assets')).reduce((n, f) => n + statSync(join(out, 'assets', f)).size, 0);
  console.log(`web: built dist/web in ${((Date.now() - started) / 1000).toFixed(1)} s (${(size / 1024).toFixed(0)} KiB of assets)`);
}
