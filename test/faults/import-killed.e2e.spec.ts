import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentSchemaVersion } from '@app/domain';
import { toTransferRecord } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * `campaignctl import` killed (SIGKILL: no handler runs) while its one transaction holds tens of
 * thousands of appended events: the server rolls it back when the connection goes, so the store
 * holds nothing of the file, and running the import again stores all of it.
 */
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const EVENTS = 120_000;
const PER_STREAM = 1_000;

describe('campaignctl import killed mid-way', () => {
  let db: TestDatabase;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first)`);
    db = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'import-killed-'));
    file = join(dir, 'history.ndjson');
    const lines: string[] = [];
    for (let k = 0; k < EVENTS; k++) {
      lines.push(
        JSON.stringify(
          toTransferRecord({
            type: 'OfferPresented',
            data: { offerId: `o-${k}`, customerId: `c-${k % 997}`, staffId: 's-17', productCode: 'TD-1Y-3.5', campaignId: 'K2' },
            metadata: { eventId: randomUUID(), correlationId: 'import-killed', causationId: null, actor: 'staff-7', orgUnit: null, occurredAt: '2026-03-31T16:30:00.000Z', schemaVersion: currentSchemaVersion('OfferPresented') },
            streamId: `offers-${Math.floor(k / PER_STREAM)}`,
            streamPosition: k % PER_STREAM,
            position: { commit: 1n, prepare: BigInt(k + 1) },
            recordedAt: '2026-03-31T16:30:01.000Z',
          }),
        ),
      );
    }
    await writeFile(file, `${lines.join('\n')}\n`);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    spawn(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        EVENTSTORE_URL: '',
        KAFKA_BROKERS: '',
        JWT_SECRET: randomBytes(32).toString('base64'),
        PII_MASTER_KEY: randomBytes(32).toString('base64'),
        DATA_DIR: dir,
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const count = async (sql: string) => (await db.pool.query<{ n: number }>(sql)).rows[0]!.n;
  /** Backends of this database (not ours) inside a transaction that has written: the import's. */
  const writing = () => count(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`);
  const until = async (what: string, ok: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('leaves nothing of the file when killed with thousands of events in its transaction, and a second run imports it whole', async () => {
    const child = run(['import', file, '--json']);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let ended = false;
    void exited.then(() => (ended = true));

    // The transaction has written: the events table's heap grew by more than 8 MiB of uncommitted
    // rows (about 20,000 of these events; the whole file is six times that).
    const empty = await count(`SELECT pg_relation_size('es_events')::int AS n`);
    await until('the import to append', async () => ended || ((await writing()) === 1 && (await count(`SELECT pg_relation_size('es_events')::int AS n`)) > empty + 8 * 1024 * 1024), 120_000);
    expect(ended).toBe(false);
    // Nobody sees any of it meanwhile.
    expect(await count(`SELECT count(*)::int AS n FROM es_events`)).toBe(0);

    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The server notices the connection gone and rolls the transaction back.
    await until('the server to end the transaction', async () => (await writing()) === 0, 30_000);
    expect(await count(`SELECT count(*)::int AS n FROM es_events`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM es_streams`)).toBe(0);

    // Nothing half done stands in the way: the same file again is imported whole.
    const again = run(['import', file, '--json']);
    let out = '';
    let err = '';
    again.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    again.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => again.once('exit', resolve));
    expect({ code, err: err.trim() === '' ? '' : err.slice(-500) }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toEqual({ events: EVENTS, streams: EVENTS / PER_STREAM, alreadyStored: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM es_events`)).toBe(EVENTS);
  }, 300_000);
});
