import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { verifyPassword } from '@app/platform';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { campaignEffectivenessProjection } from '@app/read-models';
import { DEFAULT_BANK_TIME_ZONE, useBankTimeZone } from '@app/domain';
import { createProgram, runCli } from './program';

/**
 * campaignctl against a real database: every command answers --help, usage mistakes exit 2,
 * failures exit 1 with one line, and the commands work end to end on a seeded history.
 */
describe('campaignctl', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  const saved = { ...process.env };

  /** Runs the CLI in this process against `url`, capturing stdout and stderr. */
  async function cli(args: string[], url = db.url): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const write = (sink: 'out' | 'err') => (chunk: string | Uint8Array) => {
      if (sink === 'out') out += String(chunk);
      else err += String(chunk);
      return true;
    };
    const so = jest.spyOn(process.stdout, 'write').mockImplementation(write('out') as never);
    const se = jest.spyOn(process.stderr, 'write').mockImplementation(write('err') as never);
    process.env.DATABASE_URL = url;
    try {
      return { code: await runCli(args), out, err };
    } finally {
      so.mockRestore();
      se.mockRestore();
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    other = await createTestDatabase();
    Object.assign(process.env, { JWT_SECRET: randomBytes(32).toString('base64'), PII_MASTER_KEY: randomBytes(32).toString('base64'), DATA_DIR: dir, LOG_LEVEL: 'silent' });
    const seeded = await cli(['seed', '--customers', '150', '--months', '3', '--end', '2026-06', '--seed', '5', '--json']);
    if (seeded.code !== 0) throw new Error(`seed failed: ${seeded.err}`);
  }, 120_000);
  afterAll(async () => {
    process.env = saved;
    await db?.drop();
    await other?.drop();
  });

  it('answers --help on every command, exit 0', async () => {
    const names = createProgram().commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['seed', 'replay', 'kpi', 'scorecard', 'whatif', 'export', 'import', 'token', 'password', 'bench']));
    for (const name of names) {
      const r = await cli([name, '--help']);
      expect({ name, code: r.code }).toEqual({ name, code: 0 });
      expect(r.out).toContain(`Usage: campaignctl ${name}`);
    }
  });

  it('exits 2 on usage mistakes and 1 on failures, with one line', async () => {
    expect((await cli(['nope'])).code).toBe(2);
    expect((await cli(['token'])).code).toBe(2); // --user missing
    const badDate = await cli(['kpi', 'campaign', 'K-DEPOSIT', '--as-of', '2026-02-30']);
    expect(badDate).toMatchObject({ code: 2, err: expect.stringContaining('--as-of is a date') });
    // A time without its offset is refused, not read in the server's zone.
    expect(await cli(['kpi', 'campaign', 'K-DEPOSIT', '--as-of', '2026-03-31T10:00:00'])).toMatchObject({ code: 2, err: expect.stringContaining('--as-of is a date') });
    const unknown = await cli(['token', '--user', 'nobody']);
    expect(unknown).toMatchObject({ code: 1, err: 'campaignctl: no staff member nobody (see GET /api/org for who exists)\n' });
    writeFileSync(join(dir, 'bad.json'), '{"scoring": {"referralShare": 2}}');
    expect(await cli(['whatif', '--rules', join(dir, 'bad.json')])).toMatchObject({ code: 2, err: expect.stringContaining('scoring.referralShare') });
    expect((await cli(['seed', '--customers', '10'])).code).toBe(1); // the store already has a bank
  });

  it('mints a token the API accepts for a seeded user', async () => {
    const r = await cli(['token', '--user', 'rm-sh1-1', '--json']);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.out);
    expect(answer).toMatchObject({ userId: 'rm-sh1-1', role: 'relationship_manager', unitId: 'SB-SH-1' });
    const [, payload] = answer.token.split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ sub: 'rm-sh1-1', iss: 'campaign-platform', aud: 'campaign-api' });
  });

  it('sets a one-time password, printed once and stored only as its scrypt hash', async () => {
    const r = await cli(['password', '--user', 'rm-sh1-1', '--json']);
    expect(r.code).toBe(0);
    const { oneTimePassword } = JSON.parse(r.out) as { oneTimePassword: string };
    expect(oneTimePassword).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{14}$/);
    const { rows } = await db.pool.query(`SELECT password_hash, must_change FROM staff_credentials WHERE staff_id = 'rm-sh1-1'`);
    expect(rows[0].must_change).toBe(true);
    expect(rows[0].password_hash).not.toContain(oneTimePassword);
    expect(await verifyPassword(oneTimePassword, rows[0].password_hash)).toBe(true);
    expect((await cli(['password', '--user', 'nobody'])).code).toBe(1);
  });

  it('prints campaign figures, now and as of a date, under an attribution model', async () => {
    const now = await cli(['kpi', 'campaign', '--all', '--json']);
    expect(now.code).toBe(0);
    const ids = JSON.parse(now.out).campaigns.map((c: { campaignId: string }) => c.campaignId);
    expect(ids).toContain('K-DEPOSIT');
    const past = await cli(['kpi', 'campaign', 'K-DEPOSIT', '--as-of', '2026-04-15', '--attribution', 'linear', '--json']);
    expect(past.code).toBe(0);
    // As of a day means to the end of that bank day: 23:59:59.999 Beijing time is 15:59:59.999 UTC.
    expect(JSON.parse(past.out)).toMatchObject({ asOf: '2026-04-15T15:59:59.999Z', attribution: { model: 'linear' }, campaigns: [{ campaignId: 'K-DEPOSIT', status: 'launched' }] });
    const table = await cli(['kpi', 'campaign', '--all']);
    expect(table.out).toMatch(/campaign +status/);
  });

  it('prints scorecards and what-if comparisons', async () => {
    const s = await cli(['scorecard', '--period', '2026-05', '--org', 'BR-SH', '--json']);
    expect(s.code).toBe(0);
    const all = JSON.parse(s.out);
    expect(all.units[0].unitId).toBe('BR-SH');
    // A page of people: the second and third of the whole list (best first), the total and the units the same.
    const paged = await cli(['scorecard', '--period', '2026-05', '--org', 'BR-SH', '--limit', '2', '--offset', '1', '--json']);
    expect(JSON.parse(paged.out)).toMatchObject({ peopleTotal: all.people.length, people: all.people.slice(1, 3), units: all.units });
    expect(all.people.length).toBeGreaterThan(3);
    expect((await cli(['scorecard', '--period', '2026-05', '--limit', '0'])).code).not.toBe(0);
    writeFileSync(join(dir, 'rules.yaml'), 'scoring:\n  productWeights:\n    DEP-1Y: 3\n');
    const w = await cli(['whatif', '--rules', join(dir, 'rules.yaml'), '--period', '2026-05', '--json']);
    expect(w.code).toBe(0);
    expect(JSON.parse(w.out).period).toBe('2026-05');
  });

  it('rebuilds a read model blue/green', async () => {
    const r = await cli(['replay', '--projection', 'campaign-effectiveness', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)[0]).toMatchObject({ name: 'campaign-effectiveness', version: campaignEffectivenessProjection.version });
    // --all: every projection rebuilt from one read of the log, each switched over to a fresh schema.
    const all = await cli(['replay', '--all', '--json']);
    expect(all.code).toBe(0);
    const rebuilt = JSON.parse(all.out) as { name: string; schema: string; events: number }[];
    expect(rebuilt.map((x) => x.name).sort()).toEqual(['approval-inbox', 'budget-usage', 'campaign-effectiveness', 'cross-selling', 'customer-360', 'customer-directory', 'notifications', 'period-corrections', 'points-ledger', 'staff-scorecard', 'supervision']);
    // That it was one read of the log is checked where it can fail: test/integration/rebuild-one-pass.int.spec.ts.
    expect((await cli(['replay'])).code).toBe(2);
  });

  it('exports the history as CSV and NDJSON and imports it whole into an empty store; a bad line refuses the file', async () => {
    const csv = join(dir, 'history.csv');
    const exported = await cli(['export', '--out', csv, '--json']);
    expect(exported.code).toBe(0);
    const { events } = JSON.parse(exported.out);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM es_events`);
    expect(events).toBe(rows[0].n);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toContain('eventId');

    const ndjson = join(dir, 'history.ndjson');
    expect((await cli(['export', '--format', 'ndjson', '--out', ndjson, '--types', 'CampaignDrafted,CampaignLaunched'])).code).toBe(0);
    expect(readFileSync(ndjson, 'utf8').trim().split('\n').map((l) => JSON.parse(l).type).sort()).toEqual(expect.arrayContaining(['CampaignDrafted', 'CampaignLaunched']));

    const lines = readFileSync(csv, 'utf8').split('\n');
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, [lines[0], lines[1], 'not,a,valid,row', ...lines.slice(2)].join('\n'));
    const refused = await cli(['import', broken], other.url);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/line 3/);
    expect((await other.pool.query(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n).toBe(0);

    const imported = await cli(['import', csv, '--json'], other.url);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out).events).toBe(events);
    const fingerprint = async (d: TestDatabase) => (await d.pool.query(`SELECT md5(string_agg(stream_id || stream_position || type || data::text, ',' ORDER BY stream_id, stream_position)) AS h FROM es_events`)).rows[0].h;
    expect(await fingerprint(other)).toBe(await fingerprint(db));
  }, 60_000);

  /**
   * Hand-worked, Beijing (+08:00, no summer time): 2026-03-01T15:30Z is 23:30 on 1 March, 16:30Z is
   * 00:30 on 2 March; 2026-03-02T15:30Z is 23:30 on 2 March, 16:30Z is 00:30 on 3 March. The bank day
   * 2 March holds the second and the third; a UTC day 2 March would hold the third and the fourth.
   */
  it('exports between bank days cut in BANK_TIME_ZONE, and refuses a day that does not exist or a time without its offset', async () => {
    const boundary = await createTestDatabase();
    const saved = process.env.BANK_TIME_ZONE;
    process.env.BANK_TIME_ZONE = 'Asia/Shanghai';
    try {
      const tick = (n: number, occurredAt: string): NewEvent => ({
        type: 'Tick',
        data: { n },
        metadata: { eventId: `00000000-0000-4000-8000-00000000000${n}`, correlationId: `00000000-0000-4000-8000-00000000001${n}`, causationId: null, actor: 'test', orgUnit: null, occurredAt, schemaVersion: 1 },
      });
      await new PostgresEventStore(boundary.pool, { connectionString: boundary.url }).appendToStream(
        'clock-1',
        [tick(1, '2026-03-01T15:30:00.000Z'), tick(2, '2026-03-01T16:30:00.000Z'), tick(3, '2026-03-02T15:30:00.000Z'), tick(4, '2026-03-02T16:30:00.000Z')],
        'no_stream',
      );
      const ticks = async (...range: string[]) => {
        const out = join(dir, `ticks-${randomBytes(4).toString('hex')}.ndjson`);
        const r = await cli(['export', '--format', 'ndjson', '--out', out, ...range], boundary.url);
        expect(r).toMatchObject({ code: 0, err: '' });
        return readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).data.n as number);
      };
      expect(await ticks('--from', '2026-03-02', '--to', '2026-03-02')).toEqual([2, 3]);
      expect(await ticks('--from', '2026-03-02')).toEqual([2, 3, 4]);
      expect(await ticks('--to', '2026-03-01')).toEqual([1]);
      // A time with its offset is that instant, inclusive: Beijing midnight starting 2 March.
      expect(await ticks('--from', '2026-03-02T00:00:00+08:00', '--to', '2026-03-02T15:30:00Z')).toEqual([2, 3]);
      for (const [option, value] of [
        ['--from', '2026-02-30'],
        ['--to', '2026-04-31'],
        ['--from', '2026-03-02T10:00:00'],
        ['--to', '2026-03-02T23:59:59'],
        ['--from', 'yesterday'],
      ]) {
        const r = await cli(['export', '--format', 'ndjson', option!, value!], boundary.url);
        expect({ value, code: r.code, err: r.err, out: r.out }).toEqual({ value, code: 2, err: expect.stringContaining(`${option} is a bank day`), out: '' });
      }
    } finally {
      if (saved === undefined) delete process.env.BANK_TIME_ZONE;
      else process.env.BANK_TIME_ZONE = saved;
      await boundary.drop();
    }
  }, 60_000);

  /**
   * In a zone other than the default, the instants are cut there, not in Asia/Shanghai (the zone in force
   * before the runtime starts). Europe/London is on summer time (+01:00) from 29 March: the end of bank day
   * 15 April is 22:59:59.999Z (15:59:59.999Z in Beijing). 2026-03-31T22:30Z is 23:30 on 31 March in London,
   * 23:30Z is 00:30 on 1 April; both are 1 April in Beijing, so a Beijing cut would export both.
   */
  it('cuts --as-of, export days and the scorecard as of a day in BANK_TIME_ZONE when it is not the default (Europe/London)', async () => {
    const boundary = await createTestDatabase();
    const zone = process.env.BANK_TIME_ZONE;
    process.env.BANK_TIME_ZONE = 'Europe/London';
    try {
      const tick = (n: number, occurredAt: string): NewEvent => ({
        type: 'Tick',
        data: { n },
        metadata: { eventId: `00000000-0000-4000-8000-00000000002${n}`, correlationId: `00000000-0000-4000-8000-00000000003${n}`, causationId: null, actor: 'test', orgUnit: null, occurredAt, schemaVersion: 1 },
      });
      await new PostgresEventStore(boundary.pool, { connectionString: boundary.url }).appendToStream('clock-1', [tick(1, '2026-03-31T22:30:00.000Z'), tick(2, '2026-03-31T23:30:00.000Z')], 'no_stream');
      const kpi = await cli(['kpi', 'campaign', '--all', '--as-of', '2026-04-15', '--json'], boundary.url);
      expect(kpi).toMatchObject({ code: 0, err: '' });
      expect(JSON.parse(kpi.out)).toMatchObject({ asOf: '2026-04-15T22:59:59.999Z', campaigns: [] });
      const scorecard = await cli(['scorecard', '--period', '2026-04', '--as-of', '2026-04-15', '--json'], boundary.url);
      expect(scorecard).toMatchObject({ code: 0, err: '' });
      expect(JSON.parse(scorecard.out)).toMatchObject({ asOf: '2026-04-15T22:59:59.999Z' });
      const out = join(dir, `ticks-${randomBytes(4).toString('hex')}.ndjson`);
      expect(await cli(['export', '--format', 'ndjson', '--out', out, '--from', '2026-04-01', '--to', '2026-04-01'], boundary.url)).toMatchObject({ code: 0, err: '' });
      expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).data.n)).toEqual([2]);
    } finally {
      if (zone === undefined) delete process.env.BANK_TIME_ZONE;
      else process.env.BANK_TIME_ZONE = zone;
      useBankTimeZone(DEFAULT_BANK_TIME_ZONE); // the runtime put London in force for this whole process
      await boundary.drop();
    }
  }, 120_000);

  it('answers kpi and scorecard right after an import, bringing the read models up to date itself when no projector runs (issue 16: "has not been built yet")', async () => {
    // `other` holds the imported history (previous test) and no process has projected it.
    expect((await other.pool.query(`SELECT count(*)::int AS n FROM projection_checkpoints`)).rows[0].n).toBe(0);
    const imported = await cli(['kpi', 'campaign', '--all', '--json'], other.url);
    expect(imported).toMatchObject({ code: 0, err: '' });
    const original = await cli(['kpi', 'campaign', '--all', '--json']);
    // The same history gives the same figures (only the store positions differ).
    const figures = (out: string) => JSON.parse(out).campaigns;
    expect(figures(imported.out).length).toBeGreaterThan(0);
    expect(figures(imported.out)).toEqual(figures(original.out));
    const card = await cli(['scorecard', '--period', '2026-05', '--org', 'BR-SH', '--json'], other.url);
    expect(card.code).toBe(0);
    expect(JSON.parse(card.out).units).toEqual(JSON.parse((await cli(['scorecard', '--period', '2026-05', '--org', 'BR-SH', '--json'])).out).units);
  }, 60_000);

  it('refuses an export-format history whose data does not fit the event catalogue, at its first bad line, naming the field and what fits, appending nothing (issue 16: CustomerOnboarded with gender null)', async () => {
    const ndjson = join(dir, 'whole.ndjson');
    expect((await cli(['export', '--format', 'ndjson', '--out', ndjson])).code).toBe(0);
    const lines = readFileSync(ndjson, 'utf8').trim().split('\n');
    const at = lines.findIndex((l) => JSON.parse(l).type === 'CustomerOnboarded');
    const bad = JSON.parse(lines[at]!);
    bad.data.gender = null;
    const file = join(dir, 'gender-null.ndjson');
    writeFileSync(file, [...lines.slice(0, at), JSON.stringify(bad), ...lines.slice(at + 1)].join('\n'));
    const empty = await createTestDatabase();
    try {
      const refused = await cli(['import', file], empty.url);
      expect(refused.code).toBe(1);
      // Lines are 1-based: the event at index `at` is on line at + 1.
      expect(refused.err).toContain(`line ${at + 1}: CustomerOnboarded (schema version 1): data.gender: expected one of "F", "M", "U"`);
      expect((await empty.pool.query(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n).toBe(0);

      // An event type the catalogue does not know is refused the same way.
      const unknown = { ...JSON.parse(lines[0]!), type: 'CustomerTeleported' };
      const strange = join(dir, 'unknown-type.ndjson');
      writeFileSync(strange, [JSON.stringify(unknown), ...lines.slice(1)].join('\n'));
      const r = await cli(['import', strange], empty.url);
      expect(r.code).toBe(1);
      expect(r.err).toContain('line 1: CustomerTeleported (schema version 1): type: expected an event type of the catalogue');
      expect((await empty.pool.query(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n).toBe(0);
    } finally {
      await empty.drop();
    }
  }, 60_000);
});
