import { Client, Pool } from 'pg';
import { DataSource, type MixedList } from 'typeorm';
import type { AppConfig } from './config';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { Logger } from './logger';

export interface Database {
  readonly url: string;
  readonly pool: Pool;
  /** `embedded` when this process started the server itself. */
  readonly kind: 'embedded' | 'external';
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL when there is none.
 * Fails fast (one clear error) when the server cannot be reached.
 */
export async function openDatabase(config: AppConfig, log: Logger, options: { joinRunning?: boolean } = {}): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        log: (line) => log.debug({ postgres: line }, 'embedded postgres'),
        joinRunning: options.joinRunning,
      });
  const url = config.databaseUrl ?? embedded!.url;
  if (embedded) log.info({ port: embedded.port, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  const pool = new Pool({ connectionString: url, max: 20 });
  pool.on('error', (err) => log.warn({ err: err.message }, 'idle database connection failed'));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw new Error(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  let closed = false;
  return {
    url,
    pool,
    kind: embedded ? 'embedded' : 'external',
    async close() {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => undefined);
      // Ended clients may still be closing their sockets when the server stops: that is not a failure.
      pool.removeAllListeners('error');
      pool.on('error', () => undefined);
      if (embedded) {
        await embedded.stop();
        log.info('embedded PostgreSQL stopped');
      }
    },
  };
}

/**
 * Runs TypeORM migrations, one process at a time: several apps may start together against one
 * database, so a session advisory lock serialises them.
 */
export async function migrate(url: string, migrations: MixedList<Function>): Promise<string[]> {
  const lock = new Client({ connectionString: url });
  await lock.connect();
  const source = new DataSource({ type: 'postgres', url, migrations, migrationsTableName: 'schema_migrations', logging: false });
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', ['campaign-platform:migrations']);
    await source.initialize();
    const ran = await source.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    if (source.isInitialized) await source.destroy();
    await lock.end();
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
