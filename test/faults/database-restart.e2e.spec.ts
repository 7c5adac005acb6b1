import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Pool } from 'pg';
import { freePort, temporaryDataDir, tokenIssuerFor } from '@app/platform';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { httpClient, startApp, waitForHttp, type AppProcess } from '../support/processes';

/**
 * The database restarts under load: an api process (RUN_PROJECTOR=false) and a projector process
 * on a PostgreSQL of the test's own, eight clients onboarding customers without pause; the server
 * is stopped (fast shutdown: every session ended) and started again on the same port. The apps
 * carry on without being restarted: commands in flight either succeed (201) or answer 503, and a
 * customer's stream is then either whole or absent, never half-written; the projector resumes from
 * its checkpoints and its read models reach every customer.
 */
describe('database restart under load', () => {
  let dir: string;
  let pg: OwnPostgres;
  let api: AppProcess;
  let projector: AppProcess;
  let pool: Pool;
  beforeAll(async () => {
    dir = temporaryDataDir('campaign-restart-');
    pg = await startOwnPostgres(dir);
  }, 60_000);
  afterAll(async () => {
    await api?.kill('SIGKILL');
    await projector?.kill('SIGKILL');
    await pool?.end();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('keeps both apps running: 201 or 503 only, nothing half-written, the projector resumes from its checkpoints', async () => {
    const jwt = randomBytes(32).toString('base64');
    const port = await freePort();
    const env = { DATABASE_URL: pg.url, JWT_SECRET: jwt, PII_MASTER_KEY: randomBytes(32).toString('base64'), PORT: String(port), RATE_LIMIT_PER_MINUTE: '1000000', PROJECTOR_BATCH_SIZE: '50' };
    api = startApp('api', { ...env, RUN_PROJECTOR: 'false' });
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 60_000);
    projector = startApp('projector', env);
    await projector.waitForLog((l) => l.msg === 'projector running', 60_000);
    const tokens = tokenIssuerFor({ jwtSecret: jwt, dataDir: dir, tokenTtlHours: 1 });
    const call = httpClient(() => base, (user) => tokens.issue(user).token);
    const ok = async (r: Promise<{ status: number; body: unknown }>) => {
      const res = await r;
      if (res.status >= 300) throw new Error(`seed failed: ${res.status} ${JSON.stringify(res.body)}`);
    };
    await ok(call('POST', '/api/org/bootstrap', null, { headOffice: { unitId: 'HO', name: 'HO' }, admin: { staffId: 'admin', displayName: 'A' } }));
    await ok(call('POST', '/api/org/units', 'admin', { unitId: 'BR1', name: 'BR1', level: 'branch', parentId: 'HO' }));
    await ok(call('POST', '/api/org/units', 'admin', { unitId: 'SB1', name: 'SB1', level: 'sub_branch_1', parentId: 'BR1' }));
    await ok(call('POST', '/api/org/staff', 'admin', { staffId: 'rm1', displayName: 'rm1', role: 'relationship_manager', unitId: 'SB1' }));

    // Eight clients onboard customers, one after another each, until told to stop.
    const results: { customerId: string; status: number; code?: string }[] = [];
    let next = 0;
    let loading = true;
    const client = async () => {
      while (loading) {
        const customerId = `R${String(next++).padStart(5, '0')}`;
        try {
          const r = await call('POST', '/api/customers', 'rm1', { customerId, segment: 'retail', gender: 'F', assetsByUnit: { SB1: '300000' } });
          results.push({ customerId, status: r.status, code: r.body?.error?.code });
        } catch (err) {
          results.push({ customerId, status: 0, code: String(err) });
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    const during = () => results.length;
    /** Until `check` holds, or `ms` have passed: conditions, not pauses a loaded machine can outlast. */
    const until = async (check: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; !check() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    };
    // Under load: at least 1.5 s, and more than ten answers.
    await Promise.all([new Promise((r) => setTimeout(r, 1_500)), until(() => during() > 10, 30_000)]);
    const beforeStop = during();
    await pg.stop();
    // Down for at least 1.5 s, and until the api has answered a command 503 while it is.
    const stopped = during();
    await Promise.all([new Promise((r) => setTimeout(r, 1_500)), until(() => results.slice(stopped).some((r) => r.status === 503), 30_000)]);
    pg = await startOwnPostgres(dir, pg.port);
    // Load goes on until the api has answered 201 again for a while.
    const restarted = during();
    for (let waited = 0; waited < 30_000 && results.slice(restarted).filter((r) => r.status === 201).length < 40; waited += 100) await new Promise((r) => setTimeout(r, 100));
    loading = false;
    await Promise.all(clients);

    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    console.log(`database restart under load: ${results.length} commands, by status: ${JSON.stringify(Object.fromEntries(statuses))}; codes of the 503s: ${JSON.stringify([...new Set(results.filter((r) => r.status === 503).map((r) => r.code))])}`);
    expect(beforeStop).toBeGreaterThan(10);
    expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0); // the restart was felt
    expect(results.slice(restarted).some((r) => r.status === 201)).toBe(true);

    // Neither app was restarted.
    expect(api.child.exitCode).toBeNull();
    expect(projector.child.exitCode).toBeNull();

    // Every stream is whole or absent: as many events as a 201's stream has, or none.
    pool = new Pool({ connectionString: pg.url, max: 2 });
    // pool.end() resolves before its clients' sockets have closed; the server stopping in afterAll
    // then ends them from its side, which is expected (CI once failed on that unhandled 'error').
    pool.on('error', () => undefined);
    const { rows } = await pool.query<{ stream_id: string; n: string }>(`SELECT stream_id, count(*) AS n FROM es_events WHERE stream_id LIKE 'customer-R%' GROUP BY stream_id`);
    const counts = new Map(rows.map((r) => [r.stream_id.slice('customer-'.length), Number(r.n)]));
    const whole = counts.get(results.find((r) => r.status === 201)!.customerId)!;
    expect(whole).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      const n = counts.get(r.customerId) ?? 0;
      if (r.status === 201) expect([r.customerId, n]).toEqual([r.customerId, whole]);
      else expect([r.customerId, n === 0 || n === whole]).toEqual([r.customerId, true]);
    }

    // The projector resumed from its checkpoints: the directory reaches every customer in the log.
    const inLog = rows.length;
    let inDirectory = -1;
    for (let waited = 0; waited < 30_000 && inDirectory !== inLog; waited += 200) {
      await new Promise((r) => setTimeout(r, 200));
      const { rows: cp } = await pool.query<{ schema_name: string }>(`SELECT schema_name FROM projection_checkpoints WHERE name = 'customer-directory'`);
      inDirectory = Number((await pool.query(`SELECT count(*) AS n FROM "${cp[0]!.schema_name}".customer_directory WHERE customer_id LIKE 'R%'`)).rows[0].n);
    }
    expect(inDirectory).toBe(inLog);
    await waitForHttp(`${base}/health/ready`, 10_000);
  }, 180_000);
});
