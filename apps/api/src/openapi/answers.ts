import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { AUDIENCE_EXCLUSIONS, CHANNELS, ORG_LEVELS, RISK_LEVELS, ROLES, TIERS } from '@app/domain';
import { commandAnswer } from './command-answer';

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

/** Every read answer states the freshness of the read model it came from (DESIGN.md, read models). */
export const readModelFreshness = z.object({
  projection: z.string(),
  position: z.string().describe('the global position the figures reflect'),
  lag: z.object({ events: z.number().int().nullable(), seconds: z.number() }),
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
