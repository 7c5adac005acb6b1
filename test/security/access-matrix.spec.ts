import { Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { Role } from '@app/domain';
import { AppModule } from '../../apps/api/src/app.module';
import { routePolicy } from '../../apps/api/src/http/auth';
import { api, campaignDraft, seedCustomer, seedOrganisation, type ApiResponse, submitWithPlan } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Who may call what, on whose data: each role × each route × inside / outside the caller's scope.
 * The expected table below is the policy written out (DOMAIN.md, "Who uses it"); the product
 * declares roles on its routes and narrows scope in the deciders and the query layer.
 *
 * One representative per role, all at BR1 or below except the head-office ones:
 * marketer mkt-br1 (BR1), approver appr-br1 (BR1), relationship manager rm1 (SB1),
 * branch head head-br1 (BR1), analyst an-ho (HO), admin (HO).
 * Inside: customer IN (SB1, managed by rm1), campaign K-IN (BR1), unit BR1, staff rm1; for approvals
 * K-SUB (SB1, approved by BR1), and APPROVE-BR1 (BR1, outside the K- lists below) for the head-office admin.
 * Outside: customer OUT (SB2, managed by rm3), campaign K-OUT (BR2), unit BR2, staff rm3;
 * and for relationship managers also PEER (SB1, managed by rm2): someone else's customer.
 */
const ACTORS: Record<Role, string> = {
  marketer: 'mkt-br1',
  approver: 'appr-br1',
  relationship_manager: 'rm1',
  branch_head: 'head-br1',
  analyst: 'an-ho',
  admin: 'admin',
};
const ALL = Object.keys(ACTORS) as Role[];
const [MK, AP, RM, BH, AN, AD] = ['marketer', 'approver', 'relationship_manager', 'branch_head', 'analyst', 'admin'] as const;
const READERS: Role[] = [MK, AP, BH, AN, AD];

interface Case {
  /** `METHOD /path` as declared on the controller. */
  readonly route: string;
  readonly roles: readonly Role[];
  /** Parameters inside every allowed caller's scope, and (when the route has a scope) outside it. */
  readonly inside: Record<string, string>;
  /** Where a role's scope is not the others' (campaigns are approved by the owner's direct superior only). */
  readonly insideFor?: Partial<Record<Role, Record<string, string>>>;
  /** Who calls inside, where only a unit other than ACTORS' decides (a cross-branch transfer, a special VIP card: head office); outside is still ACTORS'. */
  readonly insideAs?: Partial<Record<Role, string>>;
  readonly outside?: Record<string, string>;
  /** For relationship managers: a customer of their unit that someone else manages. */
  readonly peer?: Record<string, string>;
  readonly query?: string;
  readonly body?: (n: number) => unknown;
}

const customer = (id: string) => ({ customerId: id });
let seq = 0;
const CASES: Case[] = [
  { route: 'GET /api/org', roles: ALL, inside: {} },
  { route: 'POST /api/org/units', roles: [AD], inside: {}, body: (n) => ({ unitId: `U${n}`, name: 'x', level: 'outlet', parentId: 'SB1' }) },
  { route: 'POST /api/org/staff', roles: [AD], inside: {}, body: (n) => ({ staffId: `s${n}`, displayName: 'x', role: 'analyst', unitId: 'HO' }) },
  { route: 'POST /api/org/staff/:staffId/move', roles: [AD], inside: { staffId: 'mover' }, body: () => ({ toUnitId: 'SB1' }) },
  { route: 'POST /api/org/staff/:staffId/role', roles: [AD], inside: { staffId: 'mover' }, body: () => ({ role: 'relationship_manager' }) },
  { route: 'POST /api/org/staff/:staffId/deactivate', roles: [AD], inside: { staffId: 'leaver' }, body: () => ({}) },
  { route: 'POST /api/org/staff/:staffId/revoke-tokens', roles: [AD], inside: { staffId: 'mover' }, body: () => ({}) },
  { route: 'POST /api/products', roles: [AD], inside: {}, body: (n) => ({ productCode: `P${n}`, name: 'x', category: 'x', riskLevel: 'R1', riskBearing: false, weight: '1' }) },
  { route: 'POST /api/products/:productCode', roles: [AD], inside: { productCode: 'GOLD' }, body: () => ({ weight: '1.10' }) },
  { route: 'POST /api/org/units/:unitId/tier-thresholds', roles: [AD], inside: { unitId: 'BR1' }, body: () => ({ standard: '300000', platinum: '1500000', black: '6000000' }) },
  { route: 'POST /api/org/units/:unitId/contact-policy', roles: [AD], inside: { unitId: 'BR1' }, body: () => ({ maxCampaignContactsPer30Days: 4, maxContactsPerCampaignPer7Days: 2 }) },
  { route: 'POST /api/org/targets', roles: [BH, AD], inside: {}, body: () => ({ subjectId: 'rm1', period: '2026-03', points: '5000' }) },
  { route: 'POST /api/org/scoring-rules', roles: [AD], inside: {}, body: (n) => ({ complaintPenalty: 200 + n }) },
  { route: 'POST /api/org/closed-months', roles: [AD], inside: {}, body: () => ({ month: '2001-01' }) },

  { route: 'POST /api/customers', roles: [RM, BH, AD], inside: {}, body: (n) => ({ customerId: `N${n}`, segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1000' } }) },
  { route: 'POST /api/customers/:customerId/personal-data', roles: [RM, BH, AD], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER'), body: () => ({ phone: '+86 138 0000 0001' }) },
  { route: 'POST /api/customers/:customerId/erasure', roles: [AD], inside: customer('ERASE'), body: () => ({ reason: 'customer_request' }) },
  { route: 'POST /api/customers/:customerId/balances', roles: [AD], inside: customer('IN'), outside: customer('OUT'), body: (n) => ({ month: `2027-${String((n % 12) + 1).padStart(2, '0')}`, averageDailyAssets: '1000' }) },
  { route: 'POST /api/customers/:customerId/manager', roles: [BH, AD], inside: customer('IN'), outside: customer('OUT'), body: () => ({ staffId: 'rm1' }) },
  { route: 'POST /api/customers/claims', roles: [RM], inside: {}, body: (n) => ({ claimId: `CL${n}`, customerId: `NEW${n}`, segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1000' } }) },
  { route: 'POST /api/customers/:customerId/claims/:claimId/decision', roles: [AP, BH], inside: { customerId: 'FREE', claimId: 'CL-NONE' }, body: () => ({ approve: false }) },
  { route: 'POST /api/customers/:customerId/transfer', roles: [BH, AP, AD], inside: customer('IN'), outside: customer('OUT'), body: () => ({ toStaffId: 'rm1' }) },
  { route: 'POST /api/customers/:customerId/transfer-requests', roles: [RM, BH, AP], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER'), body: () => ({ toStaffId: 'rm3', reason: 'moved' }) },
  { route: 'POST /api/customers/:customerId/transfer-requests/:requestId/decision', roles: [AP, BH], inside: { customerId: 'IN', requestId: 'none' }, insideAs: { approver: 'appr-ho', branch_head: 'head-ho' }, outside: { customerId: 'OUT', requestId: 'none' }, body: () => ({ approve: false, reason: 'no' }) },
  { route: 'POST /api/customers/:customerId/risk-assessment', roles: [BH, AD], inside: customer('IN'), outside: customer('OUT'), body: () => ({ tolerance: 'R3' }) },
  { route: 'POST /api/customers/:customerId/consents', roles: [RM, BH, AD], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER'), body: () => ({ channel: 'sms', granted: true }) },
  { route: 'POST /api/customers/:customerId/complaints/:complaintId/answer', roles: [RM, BH, AD], inside: { customerId: 'IN', complaintId: 'none' }, outside: { customerId: 'OUT', complaintId: 'none' }, peer: { customerId: 'PEER', complaintId: 'none' }, body: () => ({}) },
  { route: 'GET /api/customers/:customerId', roles: [RM, BH, AP, AN, AD], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER') },
  // Staff are named only where the caller sees them in GET /api/org (customers.int.spec.ts checks it); other units come without staff.
  { route: 'GET /api/customers/:customerId/transfer-targets', roles: [RM, BH, AP, AD], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER') },
  { route: 'GET /api/customers/:customerId/points', roles: [RM, BH, AP, AN, AD], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER') },

  { route: 'POST /api/customers/:customerId/vip-card/applications', roles: [RM, BH, AD], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER'), body: (n) => ({ applicationId: `A${n}`, tier: 'standard' }) },
  { route: 'POST /api/customers/:customerId/vip-card/applications/:applicationId/decision', roles: [AP, AD], inside: { customerId: 'IN', applicationId: 'none' }, insideAs: { approver: 'appr-ho' }, outside: { customerId: 'OUT', applicationId: 'none' }, body: () => ({ approve: false }) },
  { route: 'POST /api/customers/:customerId/vip-card/issue', roles: [RM, BH, AD], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER'), body: (n) => ({ cardId: `CARD${n}` }) },
  { route: 'POST /api/customers/:customerId/vip-card/review', roles: [AD], inside: customer('IN'), body: () => ({ year: 2027 }) },
  { route: 'POST /api/customers/:customerId/vip-card/cancel', roles: [RM, BH, AD], inside: customer('IN'), outside: customer('OUT'), peer: customer('PEER'), body: () => ({ reason: 'request' }) },

  { route: 'POST /api/points/:customerId/benefit', roles: [AD], inside: customer('IN'), body: (n) => ({ month: `2030-${String((n % 12) + 1).padStart(2, '0')}`, assetChange: '100', profitParameter: '0.001' }) },
  { route: 'POST /api/points/:customerId/transactions', roles: [AD], inside: customer('IN'), body: (n) => ({ transactionId: `T${n}`, spend: '10.00' }) },
  { route: 'POST /api/points/:customerId/transactions/:transactionId/reversal', roles: [AD], inside: { customerId: 'IN', transactionId: 'none' }, body: () => ({ reason: 'x' }) },
  { route: 'POST /api/points/:customerId/redemptions', roles: [AD], inside: customer('IN'), body: (n) => ({ redemptionId: `R${n}`, points: 1 }) },
  { route: 'POST /api/points/:customerId/expiry', roles: [AD], inside: customer('IN'), body: () => ({}) },

  { route: 'POST /api/interactions', roles: [RM, BH, AD], inside: {}, outside: {}, peer: {}, body: () => ({ kind: 'contact', customerId: 'IN', staffId: 'rm1', channel: 'phone', outcome: 'reached' }) },

  { route: 'POST /api/campaigns', roles: [MK, AD], inside: {}, body: (n) => campaignDraft(`K${n}`, 'BR1') },
  { route: 'POST /api/audiences/preview', roles: [MK, AD], inside: {}, body: (n) => { const { campaignId: _c, name: _n, objective: _o, targets: _t, ...plan } = campaignDraft(`K${n}`, 'BR1') as Record<string, unknown>; return plan; } },
  { route: 'POST /api/campaigns/:campaignId/submit', roles: [MK, AD], inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' }, body: () => ({ planDocumentId: '00000000-0000-4000-8000-000000000000' }) },
  // The sample body (JSON) is no document: allowed callers get 415 DOCUMENT_TYPE_NOT_ALLOWED, after the scope check.
  { route: 'POST /api/campaigns/:campaignId/plan-documents', roles: [MK, AD], inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' }, query: '?fileName=plan.pdf', body: () => ({}) },
  { route: 'GET /api/campaigns/:campaignId/plan-documents/:documentId', roles: ALL, inside: { campaignId: 'K-SUB', documentId: 'K-SUB-PLAN' }, outside: { campaignId: 'K-OUT', documentId: 'K-SUB-PLAN' } },
  { route: 'POST /api/campaigns/:campaignId/approve', roles: [AP, AD], inside: { campaignId: 'K-SUB' }, insideFor: { admin: { campaignId: 'APPROVE-BR1' } }, outside: { campaignId: 'K-OUT' }, body: () => ({}) },
  { route: 'POST /api/campaigns/:campaignId/reject', roles: [AP, AD], inside: { campaignId: 'K-SUB' }, insideFor: { admin: { campaignId: 'APPROVE-BR1' } }, outside: { campaignId: 'K-OUT' }, body: () => ({ reason: 'no' }) },
  { route: 'POST /api/campaigns/:campaignId/launch', roles: [MK, AD], inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' }, body: () => ({}) },
  { route: 'POST /api/campaigns/:campaignId/costs', roles: [MK, AD], inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' }, body: () => ({ amount: '1.00', description: 'x' }) },
  { route: 'POST /api/campaigns/:campaignId/feedback', roles: [MK, AD], inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' }, body: () => ({ customerId: 'IN', rating: 4 }) },
  { route: 'POST /api/campaigns/:campaignId/complete', roles: [MK, AD], inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' }, body: () => ({}) },
  { route: 'POST /api/campaigns/:campaignId/points-deduction', roles: [MK, AD], inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' }, body: () => ({}) },
  { route: 'POST /api/campaigns/:campaignId/cancel', roles: [MK, AD], inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' }, body: () => ({ reason: 'x' }) },
  { route: 'GET /api/campaigns', roles: ALL, inside: {} },
  { route: 'GET /api/inbox', roles: [AP, BH, AD], inside: {} },
  { route: 'GET /api/inbox/mine', roles: ALL, inside: {} },
  // A user's own notifications: nothing to name, so no outside.
  { route: 'GET /api/notifications', roles: ALL, inside: {} },
  { route: 'POST /api/notifications/read', roles: ALL, inside: {}, body: () => ({ notificationIds: ['none'] }) },
  { route: 'GET /api/call-list', roles: [RM], inside: {} },
  { route: 'GET /api/campaigns/:campaignId/participants', roles: READERS, inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' } },
  { route: 'GET /api/campaigns/:campaignId/follow-up', roles: READERS, inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' } },
  { route: 'GET /api/calendar', roles: READERS, inside: {}, query: '?from=2026-01-01&to=2026-12-31' },
  { route: 'GET /api/campaigns/:campaignId/effectiveness', roles: ALL, inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' } },
  { route: 'GET /api/campaigns/:campaignId/effectiveness/conversions', roles: READERS, inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' } },
  { route: 'GET /api/campaigns/:campaignId/cross-selling', roles: READERS, inside: { campaignId: 'K-IN' }, outside: { campaignId: 'K-OUT' } },
  { route: 'GET /api/cross-selling', roles: READERS, inside: {}, query: '?from=2026-01&to=2026-12' },

  { route: 'POST /api/budgets/:unitId/annual', roles: [AP, AD], inside: { unitId: 'BR1' }, body: () => ({ year: 2031, amount: '1000' }) },
  { route: 'POST /api/budgets/:unitId/allocations', roles: [AP, BH, AD], inside: { unitId: 'BR1' }, outside: { unitId: 'BR2' }, body: () => ({ childUnitId: 'SB1', year: 2026, amount: '1.00' }) },
  { route: 'POST /api/budgets/:unitId/change-requests', roles: [MK, BH, AD], inside: { unitId: 'BR1' }, outside: { unitId: 'BR2' }, body: (n) => ({ requestId: `CR${n}`, year: 2026, amount: '100001.00', reason: 'x' }) },
  { route: 'POST /api/budgets/:unitId/change-requests/:requestId/decision', roles: [AP, BH, AD], inside: { unitId: 'SB1', requestId: 'none' }, outside: { unitId: 'SB2', requestId: 'none' }, body: () => ({ approve: false }) },
  { route: 'GET /api/budgets', roles: READERS, inside: {}, query: '?year=2026' },

  { route: 'GET /api/scorecards', roles: ALL, inside: {}, query: '?period=2026-03' },
  { route: 'GET /api/scorecards/:staffId', roles: ALL, inside: { staffId: 'rm1' }, outside: { staffId: 'rm3' }, query: '?period=2026-03' },
  { route: 'GET /api/exceptions', roles: [AP, BH, AN, AD], inside: {} },
  { route: 'GET /api/projections', roles: [AN, AD], inside: {} },
  { route: 'POST /api/projections/:name/rebuild', roles: [AD], inside: { name: 'no-such-projection' }, body: () => ({}) },
  { route: 'POST /api/projections/:name/restart', roles: [AD], inside: { name: 'no-such-projection' }, body: () => ({}) },
  { route: 'GET /api/audit', roles: [AD], inside: {} },

  { route: 'GET /api/auth/session', roles: ALL, inside: {} },
  { route: 'POST /api/auth/password', roles: ALL, inside: {}, body: () => ({ currentPassword: 'none set', newPassword: 'weak' }) },
  { route: 'POST /api/auth/sign-out', roles: ALL, inside: {}, body: () => ({}) },
  { route: 'POST /api/auth/staff/:staffId/one-time-password', roles: [AD], inside: { staffId: 'leaver' }, body: () => ({ password: 'temporary 2026' }) },
];

/** Routes that need no token at all. */
const PUBLIC_ROUTES = ['GET /health', 'GET /health/ready', 'POST /api/org/bootstrap', 'GET /api/auth/config', 'POST /api/auth/sign-in', 'GET /api/auth/oidc/start', 'GET /api/auth/oidc/callback'];

/** Every route the app declares, as `METHOD /path`, with its declared policy. */
function declaredRoutes() {
  const reflector = new Reflector();
  const controllers: Function[] = (AppModule.register({} as never).controllers ?? []) as Function[];
  const out: { route: string; policy: ReturnType<typeof routePolicy> }[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype).filter((n) => n !== 'constructor')) {
      const handler = controller.prototype[name];
      const path = typeof handler === 'function' ? Reflect.getMetadata(PATH_METADATA, handler) : undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const full = `/${[base, String(path)].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
      out.push({ route: `${method} ${full}`, policy: routePolicy(reflector, [handler, controller]) });
    }
  }
  return out;
}

describe('access: role × route × scope', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;

  /** K-SUB's plan document, uploaded in the set-up: its id is known only then. */
  let kSubPlan = '';
  const fill = (route: string, params: Record<string, string>) => route.replace(/:(\w+)/g, (_, k: string) => (params[k] === 'K-SUB-PLAN' ? kSubPlan : (params[k] ?? `missing-${k}`)));
  /** The codes of the 404 a scope answers for a record out of the caller's reach (as for an unknown id). */
  const SCOPED_RECORD_UNKNOWN = new Set(['UNKNOWN_CUSTOMER', 'UNKNOWN_CAMPAIGN', 'UNKNOWN_STAFF', 'UNKNOWN_UNIT']);
  const call = (role: Role, kase: Case, params: Record<string, string>, who = ACTORS[role]): Promise<ApiResponse> => {
    const [method, template] = kase.route.split(' ') as [string, string];
    const path = fill(template, params) + (kase.query ?? '');
    const as = c.as(who);
    return method === 'GET' ? as.get(path) : as.post(path, kase.body?.(++seq) ?? {});
  };
  const head = async () => {
    const p = await t.runtime.store.headPosition();
    return p ? `${p.commit}/${p.prepare}` : 'empty';
  };
  const ok = (r: ApiResponse) => {
    if (r.status >= 300) throw new Error(`set-up failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    const admin = c.as('admin');
    ok(await admin.post('/api/org/staff', { staffId: 'an-ho', displayName: 'Analyst', role: 'analyst', unitId: 'HO' }));
    ok(await admin.post('/api/org/staff', { staffId: 'head-ho', displayName: 'Head of head office', role: 'branch_head', unitId: 'HO' }));
    ok(await admin.post('/api/org/staff', { staffId: 'mover', displayName: 'Mover', role: 'relationship_manager', unitId: 'SB1' }));
    ok(await admin.post('/api/org/staff', { staffId: 'leaver', displayName: 'Leaver', role: 'relationship_manager', unitId: 'SB1' }));
    for (const id of ['IN', 'PEER', 'FREE', 'ERASE']) await seedCustomer(t, id, { tolerance: 'R3' });
    ok(await admin.post('/api/customers', { customerId: 'OUT', segment: 'retail', gender: 'M', assetsByUnit: { SB2: '5000' }, personal: { name: 'Outside Person', phone: '+86 139 0000 0002' } }));
    ok(await admin.post('/api/customers/IN/manager', { staffId: 'rm1' }));
    ok(await admin.post('/api/customers/PEER/manager', { staffId: 'rm2' }));
    ok(await admin.post('/api/customers/OUT/manager', { staffId: 'rm3' }));
    ok(await admin.post('/api/campaigns', campaignDraft('K-IN', 'BR1')));
    ok(await admin.post('/api/campaigns', campaignDraft('K-SUB', 'SB1')));
    ok(await submitWithPlan(admin, 'K-SUB'));
    kSubPlan = (await t.db.pool.query(`SELECT document_id FROM plan_documents WHERE campaign_id = 'K-SUB'`)).rows[0].document_id;
    // The admin (head office) approves what BR1 submits: head office is BR1's direct superior, SB1's is BR1.
    ok(await c.as('mkt-br1').post('/api/campaigns', campaignDraft('APPROVE-BR1', 'BR1')));
    ok(await submitWithPlan(c.as('mkt-br1'), 'APPROVE-BR1'));
    ok(await admin.post('/api/campaigns', campaignDraft('K-OUT', 'BR2')));
    await t.runtime.projector!.catchUp();
  });
  afterAll(() => t?.close());

  it('declares a policy on every route, and this table covers every route', () => {
    const declared = declaredRoutes();
    const withoutPolicy = declared.filter((d) => !d.policy.public && !d.policy.roles).map((d) => d.route);
    expect(withoutPolicy).toEqual([]);
    expect(declared.filter((d) => d.policy.public).map((d) => d.route).sort()).toEqual([...PUBLIC_ROUTES].sort());
    const covered = new Set(CASES.map((k) => k.route));
    expect(declared.map((d) => d.route).filter((r) => !covered.has(r) && !PUBLIC_ROUTES.includes(r))).toEqual([]);
    // and the table says what the routes declare
    for (const d of declared.filter((x) => !x.policy.public)) {
      expect({ route: d.route, roles: [...(d.policy.roles ?? [])].sort() }).toEqual({ route: d.route, roles: [...CASES.find((k) => k.route === d.route)!.roles].sort() });
    }
  });

  it('refuses every route to a request without a token, with a forged token, and with an expired one', async () => {
    const forged = t.runtime.tokens.issue('admin').token.replace(/\.[^.]+$/, '.AAAA');
    const expired = t.runtime.tokens.issue('admin', { ttlHours: -1 }).token;
    for (const kase of CASES) {
      const [method, template] = kase.route.split(' ') as [string, string];
      const url = `${t.url}${fill(template, kase.inside)}${kase.query ?? ''}`;
      for (const [auth, code] of [[undefined, 'UNAUTHENTICATED'], [`Bearer ${forged}`, 'INVALID_TOKEN'], [`Bearer ${expired}`, 'TOKEN_EXPIRED'], ['Basic YWRtaW46YWRtaW4=', 'INVALID_TOKEN']] as const) {
        const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: method === 'POST' ? '{}' : undefined });
        const body = (await res.json()) as { error?: { code?: string } };
        expect({ route: kase.route, status: res.status, code: body.error?.code }).toEqual({ route: kase.route, status: 401, code });
      }
    }
  });

  it('lets each role call exactly its routes, inside its scope only, and a refusal appends nothing', async () => {
    const findings: string[] = [];
    for (const kase of CASES) {
      for (const role of ALL) {
        const allowed = kase.roles.includes(role);
        const before = await head();
        const inside = await call(role, kase, kase.insideFor?.[role] ?? kase.inside, (allowed && kase.insideAs?.[role]) || ACTORS[role]);
        if (!allowed) {
          if (inside.status !== 403 || inside.body?.error?.code !== 'ROLE_NOT_ALLOWED') findings.push(`${role} ${kase.route}: expected 403 ROLE_NOT_ALLOWED, got ${inside.status} ${inside.body?.error?.code}`);
          if ((await head()) !== before) findings.push(`${role} ${kase.route}: refused but appended`);
          continue;
        }
        // Allowed means answered: a success, or a refusal about the request itself in the error
        // envelope (a 409 or 422 for the state the sample body meets, a 404 for a sample sub-record
        // such as a request id the set-up never made); never 401/403, never a 500, and never the 404
        // that hides a record out of reach: the inside customer, campaign, staff member or unit exists.
        const hidden = inside.status === 404 && SCOPED_RECORD_UNKNOWN.has(inside.body?.error?.code);
        if (inside.status === 401 || inside.status === 403 || hidden || inside.status >= 500) findings.push(`${role} ${kase.route} inside: expected to pass, got ${inside.status} ${inside.body?.error?.code}`);
        else if (inside.status >= 400 && typeof inside.body?.error?.code !== 'string') findings.push(`${role} ${kase.route} inside: ${inside.status} without an error code`);
        const global = role === 'admin' || role === 'analyst';
        const outsideParams = role === 'relationship_manager' && kase.peer ? [kase.outside, kase.peer] : [kase.outside];
        for (const params of outsideParams) {
          if (!params || global) continue;
          const outsideCase = kase.route === 'POST /api/interactions' ? { ...kase, body: () => ({ kind: 'contact', customerId: params === kase.peer ? 'PEER' : 'OUT', staffId: 'rm1', channel: 'phone', outcome: 'x' }) } : kase;
          const headBefore = await head();
          const outside = await call(role, outsideCase, params);
          // One record outside the caller's reach answers as an unknown id does (404), for reads and
          // for commands on a customer or a campaign alike (the interactions route names its customer
          // in the body): a 403 would tell which ids exist. Units are no secret (GET /api/org): 403.
          const idAddressed = (kase.route.startsWith('GET ') && kase.route.includes('/:')) || /:customerId|:campaignId/.test(kase.route) || kase.route === 'POST /api/interactions';
          const expected = idAddressed ? 404 : 403;
          if (outside.status !== expected) findings.push(`${role} ${kase.route} outside ${JSON.stringify(params)}: expected ${expected}, got ${outside.status} ${outside.body?.error?.code}`);
          if ((await head()) !== headBefore) findings.push(`${role} ${kase.route} outside: refused but appended`);
        }
      }
    }
    expect(findings).toEqual([]);
  }, 120_000); // about 300 requests: 25 s on a busy two-core machine

  it('shows personal data in clear to the manager and heads, masked to analysts, admins and approvers', async () => {
    ok(await c.as('rm1').post('/api/customers/IN/personal-data', { name: 'Li Hua', phone: '+86 138 1234 5678' }));
    const analyst = await c.as('an-ho').get('/api/customers/IN');
    expect(analyst.body.personal).toEqual({ name: 'L*****', phone: '+86**********5678' });
    const manager = await c.as('rm1').get('/api/customers/IN');
    expect(manager.body.personal).toMatchObject({ name: 'Li Hua', phone: '+86 138 1234 5678' });
    // in clear only for those who serve the customer: their manager and the heads of their unit
    expect((await c.as('head-br1').get('/api/customers/IN')).body.personal).toMatchObject({ name: 'Li Hua' });
    for (const who of ['admin', 'appr-br1']) expect({ who, personal: (await c.as(who).get('/api/customers/IN')).body.personal }).toEqual({ who, personal: { name: 'L*****', phone: '+86**********5678' } });
  });

  it('narrows lists to the reader: campaigns, scorecards, budgets', async () => {
    await t.runtime.projector!.catchUp();
    const campaigns = async (who: string) => (await c.as(who).get('/api/campaigns')).body.campaigns.map((k: { campaignId: string }) => k.campaignId).filter((id: string) => id.startsWith('K-')).sort();
    expect(await campaigns('mkt-br1')).toEqual(['K-IN', 'K-SUB']);
    expect(await campaigns('rm1')).toEqual(['K-IN', 'K-SUB']); // campaigns running in SB1
    expect(await campaigns('rm3')).toEqual(['K-OUT']); // SB2 is under BR2, K-OUT's owner
    expect(await campaigns('an-ho')).toEqual(['K-IN', 'K-OUT', 'K-SUB']);

    const people = async (who: string, unit = '') => (await c.as(who).get(`/api/scorecards?period=2026-03${unit}`)).body.people.map((p: { staffId: string }) => p.staffId).sort();
    expect(await people('rm1')).toEqual(['rm1']);
    expect(await people('head-br1')).not.toContain('rm3');
    expect(await people('head-br1')).toContain('rm2');
    expect((await c.as('head-br1').get('/api/scorecards?period=2026-03&orgUnit=BR2')).status).toBe(403);
    expect(await people('an-ho')).toContain('rm3');

    const units = async (who: string) => (await c.as(who).get('/api/budgets?year=2026')).body.units.map((u: { unitId: string }) => u.unitId).sort();
    expect(await units('head-br1')).toContain('BR1');
    expect((await units('head-br1')).filter((u: string) => !['BR1', 'SB1', 'OUT1'].includes(u))).toEqual([]);
    expect(await units('admin')).toEqual(expect.arrayContaining(['BR1', 'HO']));
  });

  it('refuses a deactivated person and revoked tokens (401), and a moved manager their old customers (404, as any id outside their scope)', async () => {
    const admin = c.as('admin');
    ok(await admin.post('/api/org/staff', { staffId: 'temp-rm', displayName: 'Temp', role: 'relationship_manager', unitId: 'SB1' }));
    ok(await admin.post('/api/customers', { customerId: 'TMP', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '100' } }));
    ok(await admin.post('/api/customers/TMP/manager', { staffId: 'temp-rm' }));
    await t.runtime.projector!.catchUp();
    const old = t.runtime.tokens.issue('temp-rm').token;
    const get = (token: string) => fetch(`${t.url}/api/customers/TMP`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get(old)).status).toBe(200);

    await new Promise((r) => setTimeout(r, 1100)); // revocation has the tokens' resolution: whole seconds
    ok(await admin.post('/api/org/staff/temp-rm/revoke-tokens', {}));
    const revoked = await get(old);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe('TOKEN_REVOKED');
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = t.runtime.tokens.issue('temp-rm').token;
    expect((await get(fresh)).status).toBe(200);

    // moved to another branch: the customers stay where they were, and so does access to them
    ok(await admin.post('/api/org/staff/temp-rm/move', { toUnitId: 'SB2' }));
    const moved = await get(fresh);
    expect(moved.status).toBe(404);
    expect(((await moved.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_CUSTOMER');

    ok(await admin.post('/api/org/staff/temp-rm/deactivate', {}));
    const gone = await get(fresh);
    expect(gone.status).toBe(401);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_ACTOR');
    expect((await admin.post('/api/org/staff/admin/deactivate', {})).body.error.code).toBe('CANNOT_DEACTIVATE_SELF');
  }, 30_000);

  it('lets targets be set only from above', async () => {
    expect((await c.as('head-br1').post('/api/org/targets', { subjectId: 'BR1', period: '2026-05', points: '1' })).body.error.code).toBe('OWN_TARGET');
    expect((await c.as('head-br1').post('/api/org/targets', { subjectId: 'head-br1', period: '2026-05', points: '1' })).body.error.code).toBe('OWN_TARGET');
    expect((await c.as('head-br1').post('/api/org/targets', { subjectId: 'SB1', period: '2026-05', points: '1' })).status).toBe(200);
    expect((await c.as('head-br1').post('/api/org/targets', { subjectId: 'rm1', period: '2026-05', points: '1' })).status).toBe(200);
  });
});
