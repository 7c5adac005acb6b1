import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';

/** The built CLI (`npm run build` first; npm test does it). */
const CLI = join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');

/**
 * Issue 16 leftovers: past IMPORT_KEEP_CHARS (64 MiB by default) `campaignctl import` spills the
 * validated events to a private temporary file, removed in `finally` — which a signal skips. Now
 * Ctrl-C (SIGINT) or SIGTERM removes it too, and the process still ends by that signal. The file is
 * a named pipe held open, so the signal comes mid-validation, the spill file on disk.
 */
describe('campaignctl import interrupted by a signal', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  /** An export line: customer S<n> granted phone contact, 23:59:59 on 31 Dec in Beijing (15:59:59Z). */
  const line = (n: number) =>
    JSON.stringify({
      position: `0/${n + 1}`,
      eventId: randomUUID(),
      streamId: `customer-S${n}`,
      streamRevision: 0,
      type: 'ConsentGranted',
      occurredAt: '2026-12-31T15:59:59.000Z',
      recordedAt: '2026-12-31T15:59:59.000Z',
      actor: 'admin',
      orgUnit: 'HO',
      correlationId: `import-${n}`,
      causationId: null,
      schemaVersion: 1,
      data: { customerId: `S${n}`, channel: 'phone' },
    });

  const until = async (check: () => boolean, what: string, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it.each(['SIGTERM', 'SIGINT'] as const)('removes the spill file on %s, ends by that signal, and appends nothing', async (signal) => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first)`);
    // The child's own temporary folder: what the import leaves there is what this test sees.
    const tmp = mkdtempSync(join(tmpdir(), 'import-signal-'));
    // The file to import: a named pipe, written here and never closed, so validation waits for the rest.
    const fifo = join(mkdtempSync(join(tmpdir(), 'import-signal-in-')), 'export.ndjson');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, 'import', fifo], {
      env: {
        ...process.env,
        EVENTSTORE_URL: '',
        KAFKA_BROKERS: '',
        DATABASE_URL: db.url,
        TMPDIR: tmp,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'import-signal-data-')),
        JWT_SECRET: randomBytes(32).toString('base64'),
        PII_MASTER_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'silent',
        // A couple of kilobytes kept in memory: the rest of the file spills at once.
        IMPORT_KEEP_CHARS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // 2,000 events (about 600 kB), and the pipe left open.
    const input = createWriteStream(fifo);
    input.on('error', () => undefined); // the reader is gone once the child is
    input.write(Array.from({ length: 2_000 }, (_, n) => line(n)).join('\n') + '\n');
    const spillFile = () => {
      const dirs = readdirSync(tmp).filter((d) => d.startsWith('campaign-import-'));
      const file = dirs.length === 1 ? join(tmp, dirs[0]!, 'validated.ndjson') : null;
      return file && existsSync(file) && statSync(file).size > 0 ? file : null;
    };
    await until(() => spillFile() !== null || child.exitCode !== null, 'the spill file');
    expect({ spilled: spillFile() !== null, err }).toEqual({ spilled: true, err: '' });

    child.kill(signal);
    // Ended by the signal, as without a listener (a shell shows 130 or 143).
    expect(await exited).toEqual({ code: null, signal });
    input.destroy();
    expect(readdirSync(tmp)).toEqual([]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM es_events`);
    expect(rows[0].n).toBe(0);
  }, 60_000);
});
