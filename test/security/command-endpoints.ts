import { CHANNELS, COMPLAINT_CATEGORIES, ORG_LEVELS, RISK_LEVELS, ROLES, TIERS } from '@app/domain';
import { planPdf } from '@app/demo';
import { api, seedCustomer, seedOrganisation, type ApiResponse, submitWithPlan } from '../support/api';
import type { TestApp } from '../support/test-app';
import { f, nullable, optional, type Fields } from './fields';
import type { BodyShape } from './hostile-bodies';

/**
 * Every command endpoint (every POST route), called as someone allowed to call it, on entities
 * that exist and are in a state where the valid body would succeed: a hostile body that slipped
 * past validation would then show as a 2xx and a moved store head, not hide behind a 404 or 409.
 * `{n}` in a valid body becomes a number unique to each request, so creations never collide.
 */
export interface CommandEndpoint {
  /** The route as Nest declares it, e.g. `POST /api/campaigns/:campaignId/submit`. */
  readonly route: string;
  /** The route with its parameters filled with entities made by `seedEntities`. */
  readonly path: string;
  /** A staff id whose role the route allows; null for a public route. */
  readonly actor: string | null;
  /** The body's shapes: one, or one per member of a discriminated union. */
  readonly shapes: readonly BodyShape[];
}

const occurredAt = f.occurredAt;
const year = f.int(2000, 2100);
const reason = (max: number) => ({ reason: f.text(max), occurredAt });
const NO_FIELDS: BodyShape = { valid: {}, fields: {} };
const ONLY_OCCURRED_AT: BodyShape = { valid: {}, fields: { occurredAt } };
const shape = (valid: Record<string, unknown>, fields: Fields): BodyShape => ({ valid, fields });
/** The submission's valid body names K-DRAFT's plan document, uploaded by `seedEntities` (its id is known only then). */
const SUBMIT_VALID: { planDocumentId: string } = { planDocumentId: 'uploaded by seedEntities' };
/** The transfer request of C2 that `seedEntities` asks for: its id is the server's, put into the decision's path then. */
const TRANSFER_REQUEST_SEEDED = 'TR-SEEDED';

function endpoint(route: string, actor: string | null, shapes: BodyShape | readonly BodyShape[], params: Record<string, string> = {}): CommandEndpoint {
  const path = route.replace(/^POST /, '').replace(/:(\w+)/g, (_, name: string) => {
    if (!params[name]) throw new Error(`${route}: no value for :${name}`);
    return params[name];
  });
  return { route, path, actor, shapes: Array.isArray(shapes) ? shapes : [shapes as BodyShape] };
}

const phone = f.pattern('123', 'abc', '+86 138 0000 1234 5678 9', '++8613800001234', '138-0000-1234 ext 5');
const email = f.pattern('no-at-sign', '@example.com', 'a@', 'a@@b.cn', 'a b@c.cn', 'a@b', '<a@b.cn>');
const idNumber = f.pattern('12345', 'ABC-123456', 'x'.repeat(31), '11010119900307 123', '１２３４５６');
const personal = { name: f.text(100), phone: optional(phone), email: optional(email), idNumber: optional(idNumber), address: optional(f.text(300)) };
const validPersonal = { name: 'Wang Fang', phone: '+86 138 0000 1234', email: 'wang@example.cn', idNumber: 'ABC123456', address: 'Pudong' };

const audience = f.object({
  tiers: optional(f.array(f.oneOf(...TIERS), 'standard', 0, 4)),
  segments: optional(f.array(f.text(50), 'retail', 0, 20)),
  unitIds: optional(f.array(f.id(), 'SB1', 0, 100)),
  genders: optional(f.array(f.oneOf('F', 'M', 'U'), 'F', 0, 3)),
  holdsAnyOf: optional(f.array(f.id(), 'DEP-1Y', 0, 50)),
  holdsNoneOf: optional(f.array(f.id(), 'GOLD', 0, 50)),
  ageBand: optional(f.object({ min: optional(nullable(f.int(0, 130))), max: optional(nullable(f.int(0, 130))) })),
  dormantMonths: optional(nullable(f.int(1, 120))),
  consent: optional(f.oneOf('any', 'all')),
  suitableOnly: optional(f.bool()),
  excludeContactCapReached: optional(f.bool()),
  excludeOverlappingCampaigns: optional(f.bool()),
});
/** The plan's fields a draft and an audience preview share. */
const planFields = {
  ownerUnitId: f.id(),
  productCodes: f.array(f.id(), 'DEP-1Y', 1, 50),
  channels: f.array(f.oneOf(...CHANNELS), 'phone', 1, 5),
  audience: optional(audience),
  budget: f.money(),
  period: f.object({ start: f.time(), end: f.time() }),
  controlGroupPercent: optional(f.int(0, 50)),
  includeOtherControlGroups: optional(f.bool()),
};

const draft = shape(
  {
    campaignId: 'FZ-K-{n}',
    name: 'Fuzz drive',
    objective: 'grow deposits',
    ownerUnitId: 'BR1',
    productCodes: ['DEP-1Y'],
    channels: ['phone'],
    audience: { genders: ['F'], tiers: [], segments: [], unitIds: [], holdsAnyOf: [], holdsNoneOf: [] },
    budget: '100.00',
    period: { start: '2026-01-01', end: '2030-01-01' },
    controlGroupPercent: 10,
    targets: { conversions: 10, revenue: '1000.00' },
  },
  {
    campaignId: f.id(),
    name: f.text(200),
    objective: optional(f.free(2000)),
    ...planFields,
    targets: optional(f.object({ conversions: optional(nullable(f.int(0, Number.MAX_SAFE_INTEGER))), revenue: optional(nullable(f.money())) })),
    occurredAt,
  },
);

/** The audience preview: a draft's plan without its name, objective and targets, and what the preview alone takes. */
const preview = shape(
  { ownerUnitId: 'BR1', productCodes: ['DEP-1Y'], channels: ['phone'], audience: { genders: ['F'] }, budget: '100.00', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 10 },
  {
    campaignId: optional(f.id()),
    ...planFields,
    randomisationSeed: optional(f.free(100, 1)),
    baselineRate: optional(f.number(0.0001, 0.9999)),
    costPerCustomer: optional(f.money()),
    occurredAt,
  },
);

const KINDS = ['contact', 'offer', 'offer-response', 'referral', 'conversion', 'reversal', 'complaint', 'participation'];
const interaction = (valid: Record<string, unknown>, fields: Fields) => shape({ customerId: 'C1', ...valid }, { kind: f.oneOf(...KINDS), customerId: f.id(), occurredAt, ...fields });
const INTERACTIONS = [
  interaction(
    { kind: 'contact', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: null },
    { contactId: optional(f.id()), staffId: f.id(), channel: f.oneOf(...CHANNELS), outcome: f.text(100), campaignId: optional(nullable(f.id())) },
  ),
  interaction({ kind: 'offer', staffId: 'rm1', productCode: 'DEP-1Y' }, { offerId: optional(f.id()), staffId: f.id(), productCode: f.id(), campaignId: optional(nullable(f.id())) }),
  interaction({ kind: 'offer-response', offerId: 'O1', accepted: true }, { offerId: f.id(), accepted: f.bool() }),
  interaction({ kind: 'referral', referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'GOLD' }, { referralId: optional(f.id()), referrerStaffId: f.id(), sellerStaffId: f.id(), productCode: f.id() }),
  interaction(
    { kind: 'conversion', staffId: 'rm1', productCode: 'DEP-1Y', amount: '50000.00', revenue: '750.00' },
    {
      conversionId: optional(f.id()),
      staffId: f.id(),
      productCode: f.id(),
      amount: f.money(),
      revenue: f.money(),
      campaignId: optional(nullable(f.id())),
      referrerStaffId: optional(nullable(f.id())),
      referralId: optional(nullable(f.id())),
    },
  ),
  interaction({ kind: 'reversal', conversionId: 'V1', reason: 'cooling-off cancellation' }, { conversionId: f.id(), reason: f.text(500) }),
  interaction(
    { kind: 'complaint', category: 'too_many_calls', contactId: null, answerWithinDays: 15 },
    { complaintId: optional(f.id()), category: f.oneOf(...COMPLAINT_CATEGORIES), description: optional(f.text(500)), contactId: optional(nullable(f.id())), answerWithinDays: optional(f.int(1, 90)) },
  ),
  interaction({ kind: 'participation', campaignId: 'K-LIVE', how: 'attended' }, { campaignId: f.id(), how: f.oneOf('contacted', 'attended', 'served') }),
];

export const COMMAND_ENDPOINTS: readonly CommandEndpoint[] = [
  // organisation and products
  endpoint('POST /api/org/bootstrap', null, shape({ headOffice: { unitId: 'HO2', name: 'Head office' }, admin: { staffId: 'admin2', displayName: 'Admin' } }, { headOffice: f.object({ unitId: f.id(), name: f.text(200) }), admin: f.object({ staffId: f.id(), displayName: f.text(200) }) })),
  endpoint('POST /api/org/units', 'admin', shape({ unitId: 'FZ-U-{n}', name: 'Fuzz outlet', level: 'outlet', parentId: 'SB1', wealthCentre: false }, { unitId: f.id(), name: f.text(200), level: f.oneOf(...ORG_LEVELS), parentId: f.id(), wealthCentre: optional(f.bool()) })),
  endpoint('POST /api/org/staff', 'admin', shape({ staffId: 'fz-s-{n}', displayName: 'Fuzz', role: 'relationship_manager', unitId: 'SB1' }, { staffId: f.id(), displayName: f.text(200), role: f.oneOf(...ROLES), unitId: f.id() })),
  endpoint('POST /api/org/staff/:staffId/move', 'admin', shape({ toUnitId: 'SB1' }, { toUnitId: f.id() }), { staffId: 'rm3' }),
  endpoint('POST /api/org/staff/:staffId/role', 'admin', shape({ role: 'branch_head' }, { role: f.oneOf(...ROLES) }), { staffId: 'rm3' }),
  endpoint('POST /api/org/staff/:staffId/deactivate', 'admin', NO_FIELDS, { staffId: 'fz-nobody' }),
  endpoint('POST /api/org/staff/:staffId/revoke-tokens', 'admin', NO_FIELDS, { staffId: 'fz-nobody' }),
  endpoint('POST /api/products', 'admin', shape({ productCode: 'FZ-P-{n}', name: 'Fuzz fund', category: 'fund', riskLevel: 'R2', riskBearing: true, weight: '1.50' }, { productCode: f.id(), name: f.text(200), category: f.text(50), riskLevel: f.oneOf(...RISK_LEVELS), riskBearing: f.bool(), weight: f.money() })),
  endpoint('POST /api/products/:productCode', 'admin', shape({ riskLevel: 'R3', riskBearing: true, weight: '1.20' }, { riskLevel: optional(f.oneOf(...RISK_LEVELS)), riskBearing: optional(f.bool()), weight: optional(f.money()) }), { productCode: 'GOLD' }),
  endpoint('POST /api/org/units/:unitId/tier-thresholds', 'admin', shape({ standard: '300000', platinum: '1500000', black: '6000000' }, { standard: f.money(), platinum: f.money(), black: f.money() }), { unitId: 'BR1' }),
  endpoint('POST /api/org/units/:unitId/contact-policy', 'admin', shape({ maxCampaignContactsPer30Days: 2, maxContactsPerCampaignPer7Days: 1 }, { maxCampaignContactsPer30Days: f.int(1, 100), maxContactsPerCampaignPer7Days: f.int(1, 100) }), { unitId: 'BR1' }),
  endpoint('POST /api/org/targets', 'admin', shape({ subjectId: 'rm1', period: '2026-03', points: '5000' }, { subjectId: f.id(), period: f.month(), points: f.money() })),
  endpoint('POST /api/org/closed-months', 'admin', shape({ month: '2001-01' }, { month: f.month() })),
  endpoint(
    'POST /api/org/scoring-rules',
    'admin',
    // Every rule is optional (at least one is named).
    shape(
      { referralShare: 0.4, complaintPenalty: 250, unsuitablePenalty: 600 },
      { referralShare: optional(f.number(0, 1)), complaintPenalty: optional(f.int(0, 1_000_000)), unsuitablePenalty: optional(f.int(0, 1_000_000)) },
    ),
  ),
  // budgets
  endpoint('POST /api/budgets/:unitId/annual', 'admin', shape({ year: 2027, amount: '1000000.00' }, { year, amount: f.money(), occurredAt }), { unitId: 'HO' }),
  endpoint('POST /api/budgets/:unitId/allocations', 'admin', shape({ childUnitId: 'BR2', year: 2026, amount: '1000.00' }, { childUnitId: f.id(), year, amount: f.money(), occurredAt }), { unitId: 'HO' }),
  endpoint('POST /api/budgets/:unitId/change-requests', 'head-br1', shape({ requestId: 'FZ-Q-{n}', year: 2026, amount: '150000.00', reason: 'spring drive' }, { requestId: f.id(), year, amount: f.money(), ...reason(1000) }), { unitId: 'BR1' }),
  endpoint('POST /api/budgets/:unitId/change-requests/:requestId/decision', 'appr-ho', shape({ approve: false, reason: 'not now' }, { approve: f.bool(), reason: optional(f.free(1000)), occurredAt }), { unitId: 'BR1', requestId: 'Q1' }),
  // campaigns
  endpoint('POST /api/campaigns', 'mkt-br1', draft),
  endpoint('POST /api/audiences/preview', 'mkt-br1', preview),
  endpoint('POST /api/campaigns/:campaignId/submit', 'mkt-br1', shape(SUBMIT_VALID, { planDocumentId: f.id(), occurredAt }), { campaignId: 'K-DRAFT' }),
  // A file, not JSON: any hostile body is refused by its bytes (415) or its size (413); no JSON fields.
  { ...endpoint('POST /api/campaigns/:campaignId/plan-documents', 'mkt-br1', NO_FIELDS, { campaignId: 'K-DRAFT' }), path: '/api/campaigns/K-DRAFT/plan-documents?fileName=plan.pdf' },
  endpoint('POST /api/campaigns/:campaignId/approve', 'appr-ho', ONLY_OCCURRED_AT, { campaignId: 'K-SUB' }),
  endpoint('POST /api/campaigns/:campaignId/reject', 'appr-ho', shape({ reason: 'budget too high' }, reason(1000)), { campaignId: 'K-SUB2' }),
  endpoint('POST /api/campaigns/:campaignId/launch', 'mkt-br1', shape({ randomisationSeed: 'seed' }, { randomisationSeed: optional(f.free(100, 1)), occurredAt }), { campaignId: 'K-APPR' }),
  endpoint('POST /api/campaigns/:campaignId/costs', 'mkt-br1', shape({ costId: 'FZ-COST-{n}', amount: '10.00', customerId: null, description: 'gift' }, { costId: optional(f.id()), amount: f.money(), customerId: optional(nullable(f.id())), description: optional(f.free(500)), occurredAt }), { campaignId: 'K-LIVE' }),
  endpoint(
    'POST /api/campaigns/:campaignId/feedback',
    'mkt-br1',
    shape({ feedbackId: 'FZ-FB-{n}', customerId: 'C1', rating: 4, comment: 'liked it' }, { feedbackId: optional(f.id()), customerId: optional(nullable(f.id())), rating: optional(nullable(f.int(1, 5))), comment: optional(f.free(2000)), occurredAt }),
    { campaignId: 'K-LIVE' },
  ),
  endpoint('POST /api/campaigns/:campaignId/complete', 'mkt-br1', ONLY_OCCURRED_AT, { campaignId: 'K-LIVE2' }),
  endpoint('POST /api/campaigns/:campaignId/points-deduction', 'mkt-br1', ONLY_OCCURRED_AT, { campaignId: 'K-DONE' }),
  endpoint('POST /api/campaigns/:campaignId/cancel', 'mkt-br1', shape({ reason: 'regulator paused the product' }, reason(1000)), { campaignId: 'K-LIVE3' }),
  // customers
  endpoint(
    'POST /api/customers',
    'rm1',
    shape(
      { customerId: 'FZ-C-{n}', segment: 'retail', gender: 'F', birthYear: 1982, assetsByUnit: { SB1: '350000.00' }, personal: validPersonal },
      { customerId: f.id(), segment: f.text(50), gender: f.oneOf('F', 'M', 'U'), birthYear: optional(nullable(f.int(1900, 2100))), assetsByUnit: f.assetsByUnit(), personal: optional(f.object(personal)), occurredAt },
    ),
  ),
  endpoint(
    'POST /api/customers/:customerId/personal-data',
    'rm1',
    shape(validPersonal, { name: optional(f.text(100)), phone: optional(phone), email: optional(email), idNumber: optional(idNumber), address: optional(f.text(300)), occurredAt }),
    { customerId: 'C1' },
  ),
  endpoint('POST /api/customers/:customerId/erasure', 'admin', shape({ reason: 'customer_request' }, { reason: f.oneOf('customer_request', 'retention_period_over', 'legal_order', 'recorded_in_error', 'other'), requestRef: optional(f.pattern('has a space', 'Mr Wang asked', '-leading-dash', 'x'.repeat(65))), occurredAt }), { customerId: 'C6' }),
  endpoint('POST /api/customers/:customerId/balances', 'admin', shape({ month: '2026-03', averageDailyAssets: '1620000.00', holdings: ['DEP-1Y'] }, { month: f.month(), averageDailyAssets: f.money(), holdings: optional(f.array(f.id(), 'DEP-1Y', 0, 200)), occurredAt }), { customerId: 'C1' }),
  endpoint('POST /api/customers/:customerId/manager', 'head-br1', shape({ staffId: 'rm1' }, { staffId: f.id(), occurredAt }), { customerId: 'C2' }),
  endpoint(
    'POST /api/customers/claims',
    'rm1',
    shape(
      { claimId: 'FZ-CL-{n}', customerId: 'FZ-CC-{n}', segment: 'retail', gender: 'F', birthYear: 1982, assetsByUnit: { SB1: '350000.00' } },
      { claimId: f.id(), customerId: f.id(), segment: f.text(50), gender: f.oneOf('F', 'M', 'U'), birthYear: optional(nullable(f.int(1900, 2100))), assetsByUnit: f.assetsByUnit(), occurredAt },
    ),
  ),
  endpoint('POST /api/customers/:customerId/claims/:claimId/decision', 'head-br1', shape({ approve: false, reason: 'not yours' }, { approve: f.bool(), reason: optional(f.free(500)), occurredAt }), { customerId: 'C8', claimId: 'CL1' }),
  endpoint('POST /api/customers/:customerId/transfer', 'head-br1', shape({ toStaffId: 'rm2' }, { toStaffId: f.id(), occurredAt }), { customerId: 'C5' }),
  endpoint(
    'POST /api/customers/:customerId/transfer-requests',
    'rm1',
    shape({ toStaffId: 'rm3', reason: 'the customer moved to BR2' }, { toStaffId: f.id(), reason: f.text(500), occurredAt }),
    { customerId: 'C7' },
  ),
  // The request's id is the server's, known once `seedEntities` has asked (it fills it in)
  endpoint('POST /api/customers/:customerId/transfer-requests/:requestId/decision', 'appr-ho', shape({ approve: false, reason: 'not yet' }, { approve: f.bool(), reason: optional(f.free(500)), occurredAt }), { customerId: 'C2', requestId: TRANSFER_REQUEST_SEEDED }),
  endpoint('POST /api/customers/:customerId/risk-assessment', 'head-br1', shape({ tolerance: 'R3' }, { tolerance: f.oneOf(...RISK_LEVELS), occurredAt }), { customerId: 'C1' }),
  endpoint('POST /api/customers/:customerId/consents', 'rm1', shape({ channel: 'sms', granted: false }, { channel: f.oneOf(...CHANNELS), granted: f.bool(), occurredAt }), { customerId: 'C1' }),
  endpoint('POST /api/customers/:customerId/complaints/:complaintId/answer', 'rm1', ONLY_OCCURRED_AT, { customerId: 'C1', complaintId: 'CP1' }),
  // VIP cards
  endpoint('POST /api/customers/:customerId/vip-card/applications', 'rm1', shape({ applicationId: 'FZ-A-{n}', tier: 'standard' }, { applicationId: f.id(), tier: f.oneOf(...TIERS), occurredAt }), { customerId: 'C2' }),
  endpoint('POST /api/customers/:customerId/vip-card/applications/:applicationId/decision', 'appr-ho', shape({ approve: false, reason: 'over quota' }, { approve: f.bool(), reason: optional(f.free(1000)), occurredAt }), { customerId: 'C4', applicationId: 'A1' }),
  endpoint('POST /api/customers/:customerId/vip-card/issue', 'rm1', shape({ cardId: 'FZ-CARD-{n}' }, { cardId: f.id(), occurredAt }), { customerId: 'C3' }),
  endpoint('POST /api/customers/:customerId/vip-card/review', 'admin', shape({ year: 2027 }, { year, occurredAt }), { customerId: 'C1' }),
  endpoint('POST /api/customers/:customerId/vip-card/cancel', 'rm1', shape({ reason: 'customer request' }, reason(500)), { customerId: 'C1' }),
  // points
  endpoint(
    'POST /api/points/:customerId/benefit',
    'admin',
    shape({ month: '2026-03', assetChange: '150000.00', profitParameter: '0.002' }, { month: f.month(), assetChange: f.signedMoney(), profitParameter: f.pattern('1.5', '-0.1', '2', '0.1234567', '.5', 'abc', '', '1.1', '0,5'), occurredAt }),
    { customerId: 'C1' },
  ),
  endpoint('POST /api/points/:customerId/transactions', 'admin', shape({ transactionId: 'FZ-T-{n}', spend: '258.90' }, { transactionId: f.id(), spend: f.money(), occurredAt }), { customerId: 'C1' }),
  endpoint('POST /api/points/:customerId/transactions/:transactionId/reversal', 'admin', shape({ reason: 'transaction disputed' }, reason(500)), { customerId: 'C1', transactionId: 'T1' }),
  endpoint('POST /api/points/:customerId/redemptions', 'admin', shape({ redemptionId: 'FZ-R-{n}', points: 1, description: 'lounge' }, { redemptionId: f.id(), points: f.int(1, 100_000_000), description: optional(f.free(500)), occurredAt }), { customerId: 'C1' }),
  endpoint('POST /api/points/:customerId/expiry', 'admin', ONLY_OCCURRED_AT, { customerId: 'C1' }),
  // interactions
  endpoint('POST /api/interactions', 'rm1', INTERACTIONS),
  // projections: operator actions documented as taking no body
  endpoint('POST /api/projections/:name/rebuild', 'admin', NO_FIELDS, { name: 'customer-360' }),
  endpoint('POST /api/projections/:name/restart', 'admin', NO_FIELDS, { name: 'customer-360' }),
  // staff sign-in (apps/api/src/auth): passwords are free text of 1–200 characters, never trimmed
  endpoint('POST /api/auth/sign-in', null, shape({ staffId: 'rm1', password: 'not the password 1' }, { staffId: f.id(), password: f.free(200, 1) })),
  endpoint('POST /api/auth/password', 'admin', shape({ currentPassword: 'not the password 1', newPassword: 'a new password 2' }, { currentPassword: f.free(200, 1), newPassword: f.free(200, 1) })),
  endpoint('POST /api/auth/sign-out', 'admin', NO_FIELDS),
  // a user's own read marks (no event): ids of notifications that are not theirs mark nothing
  // or all of them (`all: true`): exactly one of the two
  endpoint('POST /api/notifications/read', 'rm1', [shape({ notificationIds: ['none'] }, { notificationIds: f.array(f.id(), 'none', 1, 200) }), shape({ all: true }, { all: f.bool() })]),
  endpoint('POST /api/auth/staff/:staffId/one-time-password', 'admin', shape({ password: 'temporary 2026' }, { password: f.free(200, 1) }), { staffId: 'rm3' }),
];

/** The entities the table's paths name, each in the state where its command would succeed. */
export async function seedEntities(t: TestApp): Promise<void> {
  const c = api(t);
  const ok = (what: string) => (r: ApiResponse) => {
    if (r.status >= 300) throw new Error(`seeding ${what} failed: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await seedOrganisation(t);
  for (const id of ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']) await seedCustomer(t, id, { tolerance: 'R3' });
  const [rm, admin, head, marketer, approver] = [c.as('rm1'), c.as('admin'), c.as('head-br1'), c.as('mkt-br1'), c.as('appr-ho')];
  for (const id of ['C1', 'C5']) ok(`manager of ${id}`)(await head.post(`/api/customers/${id}/manager`, { staffId: 'rm1' }));
  ok('claim CL1')(await rm.post('/api/customers/claims', { claimId: 'CL1', customerId: 'C8', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1000' } }));
  ok('complaint CP1')(await rm.post('/api/interactions', { kind: 'complaint', customerId: 'C1', complaintId: 'CP1', category: 'too_many_calls' }));
  ok('offer O1')(await rm.post('/api/interactions', { kind: 'offer', customerId: 'C1', offerId: 'O1', staffId: 'rm1', productCode: 'DEP-1Y' }));
  ok('conversion V1')(await rm.post('/api/interactions', { kind: 'conversion', customerId: 'C1', conversionId: 'V1', staffId: 'rm1', productCode: 'DEP-1Y', amount: '1000', revenue: '10' }));
  for (const id of ['C1', 'C3']) ok(`standard-tier balance of ${id}`)(await admin.post(`/api/customers/${id}/balances`, { month: '2026-01', averageDailyAssets: '300000' }));
  ok('VIP card application of C1')(await rm.post('/api/customers/C1/vip-card/applications', { applicationId: 'A0', tier: 'standard' }));
  ok('VIP card of C1')(await rm.post('/api/customers/C1/vip-card/issue', { cardId: 'CARD-C1' }));
  ok('VIP card application of C3')(await rm.post('/api/customers/C3/vip-card/applications', { applicationId: 'A3', tier: 'standard' }));
  ok('special VIP card application A1')(await rm.post('/api/customers/C4/vip-card/applications', { applicationId: 'A1', tier: 'black' }));
  ok('POS transaction T1')(await admin.post('/api/points/C1/transactions', { transactionId: 'T1', spend: '100.00' }));
  const transferRequest = await rm.post('/api/customers/C2/transfer-requests', { toStaffId: 'rm3', reason: 'the customer moved to BR2' });
  ok('transfer request of C2')(transferRequest);
  const decision = COMMAND_ENDPOINTS.find((e) => e.route === 'POST /api/customers/:customerId/transfer-requests/:requestId/decision')! as { path: string };
  decision.path = decision.path.replace(TRANSFER_REQUEST_SEEDED, transferRequest.body.requestId);
  ok('budget change request Q1')(await head.post('/api/budgets/BR1/change-requests', { requestId: 'Q1', year: 2026, amount: '150000', reason: 'spring drive' }));
  const plan = (campaignId: string) => ({ ...(draft.valid as Record<string, unknown>), campaignId });
  // One campaign per command that moves it on, so that one slipping through hides nothing else.
  const stages = { 'K-DRAFT': 0, 'K-SUB': 1, 'K-SUB2': 1, 'K-APPR': 2, 'K-LIVE': 3, 'K-LIVE2': 3, 'K-LIVE3': 3, 'K-DONE': 4 };
  for (const [id, stage] of Object.entries(stages)) {
    ok(`draft ${id}`)(await marketer.post('/api/campaigns', plan(id)));
    if (stage >= 1) ok(`submit ${id}`)(await submitWithPlan(marketer, id));
    if (id === 'K-DRAFT') {
      const uploaded = await marketer.upload('/api/campaigns/K-DRAFT/plan-documents?fileName=plan.pdf', planPdf('K-DRAFT plan'));
      ok('plan of K-DRAFT')(uploaded);
      SUBMIT_VALID.planDocumentId = uploaded.body.documentId;
    }
    if (stage >= 2) ok(`approve ${id}`)(await approver.post(`/api/campaigns/${id}/approve`));
    if (stage >= 3) ok(`launch ${id}`)(await marketer.post(`/api/campaigns/${id}/launch`));
    if (stage >= 4) ok(`complete ${id}`)(await marketer.post(`/api/campaigns/${id}/complete`));
  }
}
