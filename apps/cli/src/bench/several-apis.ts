import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { freePort, tokenIssuerFor } from '@app/platform';
import { planPdf } from '@app/demo';
import { percentiles } from './percentiles';

/**
 * Several api processes (RUN_PROJECTOR=false) and one projector on one database, driven by many
 * concurrent connections of mixed commands and queries on overlapping customers (loopback only).
 * Used by `npm run bench -- --apis` (throughput and p99 against one process, same run) and by a
 * short correctness test (test/faults/several-apis.e2e.spec.ts).
 */
export interface Cluster {
  readonly urls: readonly string[];
  readonly pids: readonly number[];
  tokenFor(user: string): string;
  stop(): Promise<void>;
}

export interface Mains {
  readonly api: string;
  readonly projector: string;
}

const CAMPAIGN = 'K-LOAD';

function start(main: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, EVENTSTORE_URL: '', KAFKA_BROKERS: '', SEED_DEMO: 'false', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
  return { child, output: () => output };
}

async function healthy(url: string, ms: number, output: () => string, child: ChildProcess): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && child.exitCode === null; await new Promise((r) => setTimeout(r, 100))) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not yet
    }
  }
  throw new Error(`${url} did not start: ${output()}`);
}

export async function startCluster(mains: Mains, databaseUrl: string, apis: number): Promise<Cluster> {
  const jwt = randomBytes(32).toString('base64');
  const env = { DATABASE_URL: databaseUrl, JWT_SECRET: jwt, PII_MASTER_KEY: randomBytes(32).toString('base64'), RATE_LIMIT_PER_MINUTE: '1000000' };
  const children: ChildProcess[] = [];
  const projector = start(mains.projector, { ...env, RUN_PROJECTOR: 'true' });
  children.push(projector.child);
  const urls: string[] = [];
  try {
    for (let i = 0; i < apis; i++) {
      const port = await freePort();
      const api = start(mains.api, { ...env, PORT: String(port), RUN_PROJECTOR: 'false' });
      children.push(api.child);
      urls.push(`http://127.0.0.1:${port}`);
      await healthy(urls[i]!, 60_000, api.output, api.child);
    }
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    throw err;
  }
  const tokens = tokenIssuerFor({ jwtSecret: jwt, dataDir: '.', tokenTtlHours: 2 });
  const cache = new Map<string, string>();
  return {
    urls,
    pids: children.map((c) => c.pid!),
    tokenFor: (user) => cache.get(user) ?? cache.set(user, tokens.issue(user).token).get(user)!,
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

async function call(url: string, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * A small bank through the first api: head office, a branch and its sub-branch, a marketer, an
 * approver, a head and relationship managers; a deposit and a fund; `customers` customers whose
 * risk tolerance allows the fund; a campaign launched to all of them (no control group).
 */
export async function seedCluster(cluster: Cluster, customers: number): Promise<string[]> {
  const [url] = cluster.urls;
  const as = (user: string | null) => (path: string, body: unknown) => call(url!, user ? cluster.tokenFor(user) : null, 'POST', path, body);
  const ok = async (r: Promise<{ status: number; body: unknown }>) => {
    const res = await r;
    if (res.status >= 300) throw new Error(`seed failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  await ok(as(null)('/api/org/bootstrap', { headOffice: { unitId: 'HO', name: 'HO' }, admin: { staffId: 'admin', displayName: 'Admin' } }));
  const admin = as('admin');
  await ok(admin('/api/org/units', { unitId: 'BR1', name: 'BR1', level: 'branch', parentId: 'HO' }));
  await ok(admin('/api/org/units', { unitId: 'SB1', name: 'SB1', level: 'sub_branch_1', parentId: 'BR1' }));
  for (const [staffId, role, unitId] of [['mkt-br1', 'marketer', 'BR1'], ['appr-ho', 'approver', 'HO'], ['head-br1', 'branch_head', 'BR1'], ['rm1', 'relationship_manager', 'SB1'], ['rm2', 'relationship_manager', 'SB1']]) {
    await ok(admin('/api/org/staff', { staffId, displayName: staffId, role, unitId }));
  }
  await ok(admin('/api/products', { productCode: 'DEP-1Y', name: 'DEP-1Y', category: 'deposit', riskLevel: 'R1', riskBearing: false, weight: '0.50' }));
  await ok(admin('/api/products', { productCode: 'FUND-BOND', name: 'FUND-BOND', category: 'fund', riskLevel: 'R2', riskBearing: true, weight: '1.50' }));
  await ok(admin('/api/budgets/HO/annual', { year: 2026, amount: '1000000' }));
  await ok(admin('/api/budgets/HO/allocations', { childUnitId: 'BR1', year: 2026, amount: '100000' }));
  const ids = Array.from({ length: customers }, (_, i) => `L${String(i).padStart(4, '0')}`);
  for (const customerId of ids) {
    await ok(as('rm1')('/api/customers', { customerId, segment: 'retail', gender: 'F', assetsByUnit: { SB1: '300000' } }));
    await ok(as('head-br1')(`/api/customers/${customerId}/risk-assessment`, { tolerance: 'R3' }));
  }
  const mkt = as('mkt-br1');
  await ok(mkt('/api/campaigns', { campaignId: CAMPAIGN, name: CAMPAIGN, ownerUnitId: 'BR1', productCodes: ['DEP-1Y', 'FUND-BOND'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0 }));
  const uploaded = await fetch(`${url}/api/campaigns/${CAMPAIGN}/plan-documents?fileName=plan.pdf`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${cluster.tokenFor('mkt-br1')}` }, body: planPdf(`${CAMPAIGN} plan`) });
  if (uploaded.status !== 201) throw new Error(`seed failed: plan upload ${uploaded.status} ${await uploaded.text()}`);
  await ok(mkt(`/api/campaigns/${CAMPAIGN}/submit`, { planDocumentId: ((await uploaded.json()) as { documentId: string }).documentId }));
  await ok(as('appr-ho')(`/api/campaigns/${CAMPAIGN}/approve`, {}));
  await ok(mkt(`/api/campaigns/${CAMPAIGN}/launch`, {}));
  return ids;
}

export interface Outcome {
  readonly correlationId: string;
  readonly kind: 'contact' | 'campaign-contact' | 'offer' | 'sale' | 'query';
  readonly customerId: string;
  readonly status: number;
  readonly code?: string;
  /** For a 201: the event types the command answered with. */
  readonly events?: readonly string[];
  readonly ms: number;
}

/**
 * `connections` clients, each sending one request after another for `seconds` to the processes in
 * turn: campaign contacts (capped by the contact policy), plain contacts, offers, sales and queries,
 * on `customers` shared by all (so requests on one customer race through different processes).
 */
export async function drive(cluster: Cluster, customers: readonly string[], options: { connections: number; seconds: number; seed?: number }): Promise<{ outcomes: Outcome[]; seconds: number }> {
  let s = options.seed ?? 1;
  const rnd = () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  const outcomes: Outcome[] = [];
  const end = Date.now() + options.seconds * 1000;
  let n = 0;
  const started = process.hrtime.bigint();
  const client = async (c: number) => {
    const rm = c % 2 === 0 ? 'rm1' : 'rm2';
    while (Date.now() < end) {
      const i = n++;
      const url = cluster.urls[i % cluster.urls.length]!;
      const customerId = customers[Math.floor(rnd() * customers.length)]!;
      const pick = rnd();
      const correlationId = `load-${i}`;
      const kind: Outcome['kind'] = pick < 0.3 ? 'campaign-contact' : pick < 0.45 ? 'contact' : pick < 0.6 ? 'offer' : pick < 0.75 ? 'sale' : 'query';
      const body =
        kind === 'campaign-contact' ? { kind: 'contact', customerId, staffId: rm, channel: 'phone', outcome: 'reached', campaignId: CAMPAIGN }
        : kind === 'contact' ? { kind: 'contact', customerId, staffId: rm, channel: 'sms', outcome: 'sent' }
        : kind === 'offer' ? { kind: 'offer', customerId, staffId: rm, productCode: 'FUND-BOND' }
        : { kind: 'conversion', customerId, staffId: rm, productCode: 'DEP-1Y', amount: '1000', revenue: '10.00' };
      const t0 = process.hrtime.bigint();
      try {
        const r =
          kind === 'query'
            ? await call(url, cluster.tokenFor('head-br1'), 'GET', `/api/customers/${customerId}`, undefined, { 'x-correlation-id': correlationId })
            : await call(url, cluster.tokenFor(rm), 'POST', '/api/interactions', body, { 'x-correlation-id': correlationId });
        outcomes.push({ correlationId, kind, customerId, status: r.status, code: r.body?.error?.code, events: r.status === 201 ? r.body.events : undefined, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
      } catch (err) {
        outcomes.push({ correlationId, kind, customerId, status: 0, code: String(err), ms: Number(process.hrtime.bigint() - t0) / 1e6 });
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, c) => client(c)));
  return { outcomes, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export interface Verdict {
  readonly requests: number;
  readonly byStatus: Record<string, number>;
  readonly serverErrors: number;
  /** 201s whose events are not in the log exactly as answered, and refusals that left events. */
  readonly misrecorded: readonly string[];
  /** Customers with more campaign contacts within 7 days than the contact policy allows (1 per campaign). */
  readonly overCap: readonly string[];
}

/** Checks the log against the answers: every 201's events present exactly once, no refusal appended, caps held. */
export async function verify(pool: Pool, outcomes: readonly Outcome[]): Promise<Verdict> {
  const { rows } = await pool.query<{ c: string; types: string[] }>(
    `SELECT metadata->>'correlationId' AS c, array_agg(type ORDER BY global_position) AS types FROM es_events WHERE metadata->>'correlationId' LIKE 'load-%' GROUP BY 1`,
  );
  const stored = new Map(rows.map((r) => [r.c, r.types]));
  const misrecorded: string[] = [];
  for (const o of outcomes) {
    if (o.kind === 'query') continue;
    const types = stored.get(o.correlationId) ?? [];
    const expected = o.status === 201 ? [...(o.events ?? [])] : [];
    if (JSON.stringify(types) !== JSON.stringify(expected)) misrecorded.push(`${o.correlationId} (${o.status}): stored ${JSON.stringify(types)}, answered ${JSON.stringify(expected)}`);
  }
  const { rows: caps } = await pool.query<{ customer: string; n: string }>(
    `SELECT stream_id AS customer, count(*) AS n FROM es_events WHERE type = 'CustomerContacted' AND data->>'campaignId' = $1 GROUP BY 1 HAVING count(*) > 1`,
    [CAMPAIGN],
  );
  const byStatus: Record<string, number> = {};
  for (const o of outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  return {
    requests: outcomes.length,
    byStatus,
    serverErrors: outcomes.filter((o) => o.status >= 500 || o.status === 0).length,
    misrecorded,
    overCap: caps.map((c) => `${c.customer}: ${c.n}`),
  };
}

export function summary(outcomes: readonly Outcome[], seconds: number) {
  const ms = outcomes.map((o) => o.ms);
  const p = percentiles(ms);
  return { requests: outcomes.length, perSecond: Math.round(outcomes.length / seconds), p50Ms: p.p50, p99Ms: p.p99 };
}
