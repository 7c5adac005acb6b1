import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { AUDIENCE_EXCLUSIONS, CHANNELS, ORG_LEVELS, RISK_LEVELS, ROLES, TIERS } from '@app/domain';
import { commandAnswer } from './command-answer';
export { commandAnswer, CreatedAnswer } from './command-answer';

/**
 * Success answers, as zod schemas: one source of truth for the document (`@Answer(schema)` puts it
 * in the operation's 200) and for the controller (its method is typed `Promise<Answer<typeof schema>>`,
 * so the code cannot return what the document does not say). openapi.answers.int.spec.ts calls the
 * GET endpoints on a seeded app and validates the real answers against the document.
 */
export type Answer<S extends z.ZodType> = z.output<S>;

export const toOpenApiAnswer = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;

/** The operation's 200 answer: its schema (and an example, checked against it by the openapi spec). */
export function Answer(schema: z.ZodType, example?: unknown, description = 'the answer'): MethodDecorator {
  return ApiOkResponse({ description, content: { 'application/json': { schema: toOpenApiAnswer(schema), ...(example !== undefined ? { example } : {}) } } });
}

const oneReadModel = {
  projection: z.string(),
  position: z.string().describe('the global position the figures reflect'),
  lag: z.object({ events: z.number().int().nullable(), seconds: z.number() }),
};
/**
 * Every read answer states the freshness of the read model it came from (DESIGN.md, read models);
 * an answer read from several states the one furthest behind, and each of them in `projections`.
 */
export const readModelFreshness = z.object({
  ...oneReadModel,
  projection: z.string().describe('the projection read; of several, the one furthest behind (the first named on a tie): the answer reflects at least its position'),
  projections: z
    .array(z.object(oneReadModel))
    .optional()
    .describe('present when the answer reads several projections (all in one snapshot): each one with its own position and lag, in the order read'),
});
export const fromReadModel = { readModel: readModelFreshness };

// ---- auth ----

export const authConfigAnswer = z.object({
  mode: z.enum(['password', 'oidc']),
  bankTimeZone: z.string().describe('IANA zone of the bank\'s clock (BANK_TIME_ZONE)'),
});

export const signedInAnswer = z.object({
  staffId: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  unitId: z.string(),
  mustChangePassword: z.boolean().describe('signed in with a one-time password: only /api/auth/ is reachable until POST /api/auth/password'),
});

// ---- audiences ----

const count = z.number().int().min(0);
export const audiencePreviewAnswer = z.object({
  at: z.string().describe('the business time the rule was applied at'),
  audienceSize: count,
  excluded: z.object(Object.fromEntries(AUDIENCE_EXCLUSIONS.map((r) => [r, count])) as Record<(typeof AUDIENCE_EXCLUSIONS)[number], typeof count>),
  byUnit: z.array(z.object({ unitId: z.string(), included: count, excluded: count })),
  byTier: z.array(z.object({ tier: z.string(), included: count, excluded: count })),
  split: z.object({ seed: z.string(), controlGroupPercent: z.number(), treatment: count, control: count }),
  cost: z.object({
    year: z.number().int(),
    ownerUnitId: z.string(),
    expected: z.string().describe('yuan, two decimals'),
    basis: z.enum(['budget', 'per_treatment_customer']),
    remainingBudget: z.string(),
    withinBudget: z.boolean(),
  }),
  baseline: z.object({
    rate: z.number(),
    source: z.enum(['request', 'past_control_groups', 'platform_default']),
    pastCampaigns: z.array(z.string()).describe('the past campaigns with a control group on these products'),
    pastControlCustomers: count,
    pastControlConverted: count,
  }),
  minimumDetectableLift: z
    .object({ confidence: z.number(), power: z.number(), absolute: z.number(), relative: z.number().nullable(), treatmentRate: z.number() })
    .nullable()
    .describe('null when either group is empty'),
  ...fromReadModel,
});

// ---- inbox ----

const inboxAction = z.object({ method: z.literal('POST'), href: z.string(), body: z.record(z.string(), z.unknown()) });
const inboxItem = z.object({
  kind: z.enum(['campaign', 'special_vip_card', 'budget_change', 'customer_claim', 'transfer']),
  requestId: z.string(),
  unitId: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  facts: z.record(z.string(), z.unknown()).describe('what the request is about, by kind (a transfer\'s reason read from the customer\'s vault)'),
  status: z.enum(['pending', 'approved', 'rejected']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable().describe('why a rejection'),
});
/** GET /api/inbox: what waits for this user's decision, with the commands that decide. */
export const inboxAnswer = z.object({ items: z.array(inboxItem.extend({ actions: z.object({ approve: inboxAction, reject: inboxAction }) })), ...fromReadModel });
/** GET /api/inbox/mine: the requests this user made. */
export const myRequestsAnswer = z.object({ items: z.array(inboxItem), ...fromReadModel });

// ---- customers ----

/** GET /api/customers/{customerId}/transfer-targets: the staff picker of the transfer forms. */
export const transferTargetsAnswer = z.object({
  customerId: z.string(),
  homeUnitId: z.string(),
  managerId: z.string().nullable(),
  units: z.array(
    z.object({
      unitId: z.string(),
      name: z.string(),
      branchId: z.string().nullable(),
      crossBranch: z.boolean().describe('in another branch: asked of head office (POST customers/:customerId/transfer-requests)'),
      direct: z.boolean().describe('the caller\'s unit transfers there itself (POST customers/:customerId/transfer)'),
      staff: z.array(z.object({ staffId: z.string(), displayName: z.string() })).describe('empty for units whose staff the caller does not see in GET /api/org'),
    }),
  ),
});

// ---- customers, cards, points, organisation, operations ----

const instant = z.string().describe('ISO 8601, UTC');
const holding = z.object({
  productCode: z.string(),
  source: z.enum(['sale', 'snapshot']).describe('what opened the holding: a sale, or a monthly snapshot listing it'),
  sinceAt: instant,
  sinceMonth: z.string().describe('bank month (YYYY-MM)'),
  sinceDay: z.string().nullable().describe('bank day of the sale that opened it; null when a snapshot did'),
  sales: z.number().int().describe('sales of the product while this holding lasted, less those reversed'),
});
const personalData = z.object({
  name: z.string(),
  phone: z.string().optional(),
  email: z.string().optional(),
  idNumber: z.string().optional(),
  address: z.string().optional(),
});
/** GET /api/customers/{customerId}: the customer 360 (customer-360.query.ts, with the vault's personal data and contact notes). */
export const customer360Answer = z.object({
  customerId: z.string(),
  unitId: z.string(),
  segment: z.string(),
  gender: z.enum(['F', 'M', 'U']),
  onboardedAt: instant,
  tier: z.enum(TIERS),
  tierHistory: z.array(
    z.object({
      month: z.string(),
      from: z.enum(TIERS),
      to: z.enum(TIERS),
      threeMonthAverage: z.string().describe('yuan, two decimals'),
      recordedAt: instant.nullable(),
    }),
  ),
  holdings: z.array(holding),
  pastHoldings: z.array(holding.extend({ closedAt: instant, closedMonth: z.string() })),
  managerId: z.string().nullable(),
  optedOut: z.array(z.enum(CHANNELS)).describe('channels the customer opted out of; every other one may be used'),
  riskProfile: z.object({ tolerance: z.enum(RISK_LEVELS), assessedAt: instant, validUntil: instant, expired: z.boolean() }).nullable(),
  vipCard: z.object({ cardId: z.string(), tier: z.enum(TIERS), validUntil: instant }).nullable(),
  lastContacts: z.array(
    z.object({
      contactId: z.string(),
      occurredAt: instant,
      channel: z.enum(CHANNELS),
      staffId: z.string(),
      campaignId: z.string().nullable(),
      outcome: z.string().nullable().describe('the outcome note: in clear for those who see personal data in clear, `***` for others, null when none or erased'),
    }),
  ),
  campaigns: z.array(z.object({ campaignId: z.string(), group: z.enum(['treatment', 'control']), enrolledAt: instant })),
  pointsBalance: z.number().int(),
  personal: personalData.nullable().describe('from the vault: in clear or masked by who reads; null when none was given or it was erased'),
  personalDataErased: z.boolean(),
  ...fromReadModel,
});

export const POINTS_ENTRY_KINDS = ['BenefitPointsAccrued', 'TransactionPointsEarned', 'TransactionPointsReversed', 'PointsRedeemed', 'CampaignCostPointsDeducted', 'PointsExpired'] as const;
/** GET /api/customers/{customerId}/points: the points ledger, oldest first (points-ledger.query.ts). */
export const pointsLedgerAnswer = z.object({
  customerId: z.string(),
  balance: z.number().int(),
  entries: z.array(
    z.object({
      entry: z.string().describe('the lot, or what the entry takes back (reversal-…, redemption-…, campaign-…, expiry-…)'),
      kind: z.enum(POINTS_ENTRY_KINDS).describe('the event that wrote it'),
      points: z.number().int().describe('signed: accruals positive, reversals, redemptions, deductions and expiries negative'),
      occurredAt: instant,
      reference: z.string().nullable().describe('the month, transaction, redemption or campaign it concerns'),
      expiresAt: instant.nullable(),
      balance: z.number().int().describe('the running balance after this entry'),
    }),
  ),
  ...fromReadModel,
});

/** POST /api/customers/{customerId}/transfer-requests: the command's answer and the request the server named. */
export const transferRequestAnswer = commandAnswer.extend({ requestId: z.string().describe('`TR-` and a UUID: the decision names it') });

/** GET /api/org: the org tree and staff in the caller's scope, the product catalogue and the scoring rules, as configured now. */
export const organisationAnswer = z.object({
  units: z.array(z.object({ unitId: z.string(), name: z.string(), level: z.enum(ORG_LEVELS), parentId: z.string().nullable(), wealthCentre: z.boolean() })),
  staff: z.array(z.object({ staffId: z.string(), displayName: z.string(), role: z.enum(ROLES), unitId: z.string(), active: z.boolean() })),
  products: z.array(
    z.object({
      productCode: z.string(),
      name: z.string(),
      category: z.string(),
      riskLevel: z.enum(RISK_LEVELS),
      riskBearing: z.boolean(),
      weight: z.string().describe('scorecard points per CNY of revenue'),
    }),
  ),
  scoring: z.object({
    referralShare: z.number().describe("the referrer's share of a referral sale"),
    complaintPenalty: z.number().int(),
    unsuitablePenalty: z.number().int(),
  }),
});

/** POST /api/auth/sign-out. */
export const signedOutAnswer = z.object({ signedOut: z.literal(true) });
/** POST /api/auth/staff/{staffId}/one-time-password. */
export const oneTimePasswordAnswer = z.object({ staffId: z.string(), mustChangePassword: z.literal(true) });

/** GET /health. */
export const liveAnswer = z.object({ status: z.literal('ok') });
/** The event store behind the API (EVENTSTORE_URL set: EventStoreDB). */
const storeKind = z.enum(['postgres', 'eventstoredb']);
/** A projection's state, as the runner records it ('not started' before it ever ran). */
export const projectionState = z.enum(['running', 'resubscribing', 'failed', 'stopped', 'rebuilding', 'not started']);
/** GET /health/ready (readiness.ts, publicReadiness): a ready report; an unready one is a 503 with the same report in details. */
export const readyAnswer = z.object({
  status: z.literal('ready'),
  store: z.object({ kind: storeKind, position: z.string().nullable().describe('null while the store is empty'), globalPosition: z.string() }),
  database: z.object({ ok: z.literal(true) }),
  projections: z.array(
    z.object({
      name: z.string(),
      state: projectionState,
      position: z.string(),
      lag: z.object({ events: z.number().int().nullable(), seconds: z.number() }),
      rebuilding: z.literal(true).optional().describe('a new version is being built beside it (blue/green)'),
    }),
  ),
  maxLagSeconds: z.number().optional().describe('READY_MAX_LAG_SECONDS, when set'),
});

/**
 * What the projection runner stores as a projection's `error` (projection-runner.ts): stopped on an
 * event it cannot apply (`failed`), or why its store subscription broke (`resubscribing`).
 */
export const projectionError = z.union([
  z.object({ position: z.string().describe('"<commit>/<prepare>" of the event'), eventType: z.string(), message: z.string() }).describe('failed: the event it cannot apply'),
  z.object({ message: z.string(), attempts: z.number().int(), retryInMs: z.number() }).describe('resubscribing: why the subscription broke, and when it tries again'),
]);
/** GET /api/projections. */
export const projectionsAnswer = z.object({
  projections: z.array(
    z.object({
      name: z.string(),
      version: z.number().int(),
      state: projectionState,
      position: z.string().nullable().describe('null before it ever ran'),
      lag: z.object({ events: z.number().int().nullable(), seconds: z.number() }),
      error: projectionError.nullable().describe('failed: the failing event (position, eventType, message); resubscribing: why the subscription broke (message, attempts, retryInMs)'),
      updatedAt: instant.nullable(),
    }),
  ),
});
/** POST /api/projections/{name}/rebuild. */
export const projectionRebuiltAnswer = z.object({ name: z.string(), version: z.number().int(), schema: z.string().describe('the schema the live tables are in now'), position: z.string(), state: projectionState });
/** POST /api/projections/{name}/restart. */
export const projectionRestartedAnswer = z.object({ name: z.string(), state: projectionState, position: z.string() });

/** GET /api/audit: newest first (audit.ts). */
export const auditAnswer = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: instant,
      actor: z.string().nullable(),
      orgUnit: z.string().nullable(),
      method: z.string(),
      path: z.string(),
      status: z.number().int(),
      outcome: z.enum(['ok', 'refused', 'denied', 'failed']),
      code: z.string().nullable(),
      correlationId: z.string().nullable(),
      kind: z.enum(['command', 'personal-data-read', 'denied-customer-read']),
    }),
  ),
});

// ---- campaigns, budgets, scorecards, cross-selling, call list ----
// (imports of this section kept here, so the sections merge without touching the file's head)

const int = z.number().int();
const yuan = z.string().describe('yuan, two decimals');
const CAMPAIGN_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'launched', 'completed', 'cancelled'] as const;
const campaignStatus = z.enum(CAMPAIGN_STATUSES);

export const COMMAND_ANSWER_EXAMPLE = { id: 'K-2026-001', streamId: 'campaign-K-2026-001', revision: 0, position: '1187/42', events: ['CampaignDrafted'] };

/** POST /api/campaigns/{campaignId}/launch: the command's answer and whom the launch enrolled. */
export const launchAnswer = commandAnswer.extend({
  audienceSize: count.describe('customers enrolled, treatment and control'),
  controlCount: count,
  excluded: z.record(z.string(), count).describe('customers the rule matched whom the customer\'s own rules refused, by refusal code (codes with none left out)'),
});

/** POST /api/campaigns/{campaignId}/costs: the command's answer and the cost line's id. */
export const costAnswer = commandAnswer.extend({ costId: z.string() });

/** Participants' points deducted by their cost share (safe to repeat: each customer once). */
export const pointsDeductionAnswer = z.object({
  campaignId: z.string(),
  participants: count,
  deducted: count.describe('participants whose points this run deducted (0 on a repeat)'),
  points: z.number().describe('points deducted by this run'),
});

/** POST /api/campaigns/{campaignId}/complete: the completion stands; the deduction, or why it failed and how to finish it. */
export const completeAnswer = commandAnswer.extend({
  pointsDeduction: z.union([
    pointsDeductionAnswer,
    z.object({
      error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
      retry: z.string().describe('the request that finishes the deduction'),
    }),
  ]),
});

/** POST /api/campaigns/{campaignId}/plan-documents (201): the document kept outside the event log. */
export const planDocumentAnswer = z.object({
  documentId: z.guid().describe('what the submission names (`planDocumentId`)'),
  campaignId: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('hex SHA-256 of the bytes, recorded in CampaignSubmitted'),
  fileName: z.string(),
  mediaType: z.string().describe('told by the bytes: PDF, Word, Excel or PowerPoint'),
  size: count.describe('bytes'),
  uploadedBy: z.string(),
  uploadedAt: z.iso.datetime(),
});

const enrolled = z.object({ treatment: count, control: count });
/** GET /api/campaigns: every campaign in the reader's scope with its headline figures, and totals that count each sale once. */
const totalsFigures = z.object({
  campaigns: count,
  conversions: count.describe('sales tagged with one of the campaigns, not reversed'),
  revenue: yuan,
  cost: yuan,
  treatmentConverted: count.describe('treatment customers of any of them who bought one of its products in its run, each once'),
  treatmentRevenue: yuan,
});
export const campaignListAnswer = z.object({
  campaigns: z.array(
    z.object({
      campaignId: z.string(),
      name: z.string(),
      ownerUnitId: z.string(),
      status: campaignStatus,
      launchedAt: instant.nullable(),
      closedAt: instant.nullable(),
      enrolled,
      budget: yuan,
      conversions: count,
      revenue: yuan,
      cost: yuan,
      roi: z.number().nullable().describe('(revenue − cost) / cost; null without cost'),
    }),
  ),
  totals: totalsFigures.extend({ byUnit: z.array(totalsFigures.extend({ unitId: z.string() })).describe('per owning unit: each sale once within a unit') }),
  ...fromReadModel,
});

const groupFigures = z.object({ size: count, converted: count, conversionRate: z.number().nullable(), revenue: yuan });
const breakdownRow = { treatment: count, control: count, treatmentConverted: count, controlConverted: count };
const effectivenessFigures = z.object({
  campaignId: z.string(),
  name: z.string(),
  ownerUnitId: z.string(),
  status: campaignStatus,
  launchedAt: instant.nullable(),
  closedAt: instant.nullable(),
  funnel: z.object({ enrolled, contacted: count, offered: count, accepted: count, participated: count.describe('treatment customers who took part: they share the cost'), converted: count }),
  conversions: count.describe('sales tagged with the campaign, not reversed'),
  revenue: yuan,
  cost: yuan,
  roi: z.number().nullable(),
  costPerConversion: yuan.nullable(),
  complaints: count,
  complaintRate: z.number().nullable().describe('complaints per customer contacted; null before any contact'),
  groups: z.object({ treatment: groupFigures, control: groupFigures }),
  lift: z.object({
    absolute: z.number().nullable().describe('treatment conversion rate − control conversion rate'),
    confidenceInterval95: z.tuple([z.number(), z.number()]).nullable(),
    pValue: z.number().nullable(),
    significant: z.boolean().nullable().describe('the 95% interval excludes 0 (so the unrounded p is below 0.05; pValue, to six decimals, may read 0.05 at the edge)'),
    method: z.string(),
    incrementalConversions: z.number().nullable(),
    incrementalRevenue: yuan.nullable(),
  }),
  revenuePerCustomer: z.object({
    treatment: yuan.nullable(),
    control: yuan.nullable(),
    difference: yuan.nullable(),
    confidenceInterval95: z.tuple([yuan, yuan]).nullable().describe("Welch's t with a variance floor (see method); null while nobody in either group bought"),
    method: z.string(),
  }),
  daily: z.array(z.object({ date: z.string().describe('bank day, YYYY-MM-DD'), contacted: count, offered: count, accepted: count, converted: count, revenue: yuan })),
  byChannel: z.array(z.object({ channel: z.string(), contacts: count, customersContacted: count })),
  byUnit: z.array(z.object({ unitId: z.string().describe('the unit at enrolment'), ...breakdownRow })),
  byTier: z.array(z.object({ tier: z.string().describe('the tier at enrolment'), ...breakdownRow })),
});
/** Live figures (the read model), or as of a date / under another attribution model (replayed: `attributed`, `asOf`, `through`, no `readModel`). */
export const effectivenessAnswer = z.union([
  effectivenessFigures.extend({ ...fromReadModel }),
  effectivenessFigures.extend({
    attributed: z.object({ model: z.enum(['direct', 'last-touch', 'first-touch', 'linear', 'time-decay']), conversions: z.number(), revenue: yuan, roi: z.number().nullable(), costPerConversion: yuan.nullable() }),
    asOf: instant.nullable(),
    attribution: z.object({ model: z.enum(['direct', 'last-touch', 'first-touch', 'linear', 'time-decay']), windowDays: z.number(), halfLifeDays: z.number() }),
    through: z.string().nullable().describe('the store position the figures reflect (null: nothing yet). From the live read model (direct, or now under any model): the position it had applied up to, which may be behind the head while the projector catches up; another model credits the history up to it too. Replayed (as of a date under another model): the head when the replay began'),
  }),
]);

/** GET /api/campaigns/{campaignId}/effectiveness/conversions: the sales behind the figures. */
export const campaignConversionsAnswer = z.object({
  campaignId: z.string(),
  conversions: z.array(
    z.object({ conversionId: z.string(), eventId: z.string(), customerId: z.string(), staffId: z.string(), productCode: z.string(), amount: yuan, revenue: yuan, occurredAt: instant, reversed: z.boolean() }),
  ),
  next: z.string().nullable().describe('the cursor of the next page (`after=`), null on the last page'),
  ...fromReadModel,
});

/** GET /api/budgets?year=: each unit's budget for the year. */
export const budgetUsageAnswer = z.object({
  year: int,
  units: z.array(
    z.object({ unitId: z.string(), year: int, allocated: yuan, splitToUnitsBelow: yuan, committedToCampaigns: yuan, released: yuan, spent: yuan, remaining: yuan }),
  ),
  ...fromReadModel,
});

const referralRow = z.object({ staffId: z.string(), referrals: count, converted: count, conversionRate: z.number() });
/** GET /api/cross-selling. */
export const crossSellingAnswer = z.object({
  ratio: z.array(z.object({ month: z.string(), unitId: z.string().nullable().describe('null: the bank-wide row'), customers: count, productsPerCustomer: z.number() })),
  referrals: z.object({ byReferrer: z.array(referralRow), bySeller: z.array(referralRow) }),
  attrition: z.array(z.object({ productsHeld: count.describe('the most products held before (4 = four or more)'), customers: count, lost: count, attritionRate: z.number() })),
  ...fromReadModel,
});
/** GET /api/campaigns/{campaignId}/cross-selling. */
export const campaignCrossSellingAnswer = z.object({
  campaignId: z.string(),
  groups: z.array(z.object({ group: z.enum(['treatment', 'control']), customers: count, productsPerCustomerBefore: z.number().nullable(), productsPerCustomerAfter: z.number().nullable() })),
  ...fromReadModel,
});

const personScore = z.object({
  staffId: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  unitId: z.string().describe('the unit they were in while the facts of this row happened'),
  conversions: count,
  referrals: count,
  revenue: yuan,
  points: z.number(),
  shadowPoints: z.number().describe('points of customers moved up to a wealth centre (影子考核)'),
  complaints: count,
  customersContacted: count,
  complaintRate: z.number().nullable(),
  unsuitableAttempts: count,
  score: z.number().describe('points less the penalties'),
  contacts: count,
  assignedCustomers: count,
  maintenanceAdherence: z.number().nullable(),
  target: z.number().nullable(),
  attainment: z.number().nullable(),
  rankInUnit: int.min(1),
});
/** GET /api/scorecards?period=. */
export const scorecardAnswer = z.object({
  period: z.string(),
  orgUnit: z.string().nullable(),
  limit: int.min(1).describe('people rows asked for'),
  offset: count.describe('people rows skipped'),
  peopleTotal: count.describe('people rows in all (a person who moved during the month has one per unit)'),
  people: z.array(personScore).describe('the page: best score first, equal scores by staff id'),
  units: z.array(
    z.object({
      unitId: z.string(),
      name: z.string(),
      parentId: z.string().nullable(),
      people: count,
      conversions: count,
      revenue: yuan,
      points: z.number(),
      shadowPoints: z.number(),
      score: z.number(),
      target: z.number().nullable(),
      attainment: z.number().nullable(),
    }),
  ),
  ...fromReadModel,
});
const correction = { eventId: z.string(), type: z.string(), correctedBy: z.string(), reason: z.string(), occurredAt: instant, recordedAt: instant };
/** GET /api/scorecards/{staffId}?period=: a marketer sees no customer (no `credits`, corrections without `customerId`). */
export const personScorecardAnswer = personScore.extend({
  period: z.string(),
  byUnit: z.array(personScore).optional().describe('someone who moved during the month: a row per unit'),
  credits: z
    .array(
      z.object({ customerId: z.string(), conversionId: z.string(), productCode: z.string(), kind: z.string(), unitId: z.string(), revenue: yuan, points: z.number(), eventId: z.string(), occurredAt: instant, reversed: z.boolean() }),
    )
    .optional()
    .describe('the sales behind the figures; not for marketers'),
  corrections: z.array(z.object({ ...correction, customerId: z.string().nullable().optional().describe('not for marketers') })),
  ...fromReadModel,
});

/** GET /api/exceptions: by kind, with the details of each. */
const exception = <K extends string, D extends z.ZodRawShape>(kind: K, details: D) =>
  z.object({ kind: z.literal(kind), unitId: z.string().nullable(), customerId: z.string().nullable(), details: z.object(details) });
export const exceptionsAnswer = z.object({
  exceptions: z.array(
    z.discriminatedUnion('kind', [
      exception('card_without_application', { cardId: z.string() }),
      exception('application_without_card', { applicationId: z.string(), approvedAt: instant }),
      exception('tier_mismatch', { cardId: z.string(), cardTier: z.string(), applicationTier: z.string() }),
      exception('special_quota_exceeded', { holders: count, special: count, limit: z.number() }),
      exception('complaint_overdue', { complaintId: z.string(), category: z.string(), staffId: z.string().nullable(), campaignId: z.string().nullable(), answerDueBy: instant }),
    ]),
  ),
  ...fromReadModel,
});

/** GET /api/call-list: a relationship manager's day. */
export const callListAnswer = z.object({
  at: instant,
  campaigns: z.array(
    z.object({
      campaignId: z.string(),
      periodEnd: z.string(),
      productCodes: z.array(z.string()),
      customers: z.array(
        z.object({
          customerId: z.string(),
          contactableNow: z.boolean(),
          channels: z.array(z.object({ channel: z.enum(CHANNELS), allowed: z.boolean(), refusal: z.object({ code: z.string(), message: z.string() }).nullable().describe('why not: the refusal a contact now would get') })),
          openOffers: z.array(z.object({ offerId: z.string(), productCode: z.string() })),
        }),
      ),
    }),
  ),
  maintenanceDue: z.array(z.object({ customerId: z.string(), lastContactAt: instant.nullable() })),
  complaintsDue: z.array(z.object({ customerId: z.string(), complaintId: z.string(), answerDueBy: instant, overdue: z.boolean() })),
  ...fromReadModel,
});
