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
        settings: config.embeddedPgSettings,
        log: (line) => log.debug({ postgres: line }, 'embedded postgres'),
        joinRunning: options.joinRunning,
      });
  const url = config.databaseUrl ?? embedded!.url;
  // Settings for a server this process does not start are not applied: say so rather than let them look in force.
  if (config.databaseUrl && config.embeddedPgSettings) log.warn({}, 'EMBEDDED_PG_SETTINGS is ignored: DATABASE_URL names an external server, configured where it runs');
  if (embedded) log.info({ port: embedded.port, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  const pool = new Pool({ connectionString: url, max: 20 });
  pool.on('error', (err) => log.warn({ err: err.message }, 'idle database connection failed'));
  // A connection lost while checked out (the server restarting) fails its query; its 'error' event
  // must not also bring the process down.
  pool.on('connect', (client) => client.on('error', (err) => log.warn({ err: err.message }, 'database connection lost')));
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

/** SQLSTATEs of a server that is away, restarting or refusing sessions: connection exceptions (08), shutdowns, too many connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable|the database system is (starting up|shutting down|in recovery)/i;

/**
 * Whether an error means the database cannot be reached right now (a restart, a failover, a
 * network drop), rather than a fault in the request: the API answers such a request 503, so the
 * caller tries again. An append either committed whole or not at all (one statement, one
 * transaction), so nothing is half-written.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}
