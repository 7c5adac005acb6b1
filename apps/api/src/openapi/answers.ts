import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { AUDIENCE_EXCLUSIONS, ROLES } from '@app/domain';

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
