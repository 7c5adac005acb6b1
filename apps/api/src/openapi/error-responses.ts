import { PATH_ERRORS } from './path-errors';

/** The one error shape of every refusal (DESIGN.md, Errors), as a schema. */
export const ERROR_ENVELOPE = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', description: 'stable, machine-readable: what the client branches on', example: 'VALIDATION_FAILED' },
        message: { type: 'string', description: 'for people, in English' },
        details: { type: 'object', additionalProperties: true, description: 'what the refusal concerns (field paths, ids, limits)' },
      },
    },
  },
};

/** Which codes each status carries; the README's list of errors, by status. */
const CODES: Record<number, { name: string; description: string; codes: string[] }> = {
  // What the body, the URL and their validation refuse on any operation; an operation's own invalid inputs
  // are in PATH_ERRORS (path-errors.ts), a POST's Idempotency-Key: idempotentCodes.
  400: { name: 'BadRequest', description: 'Invalid input', codes: ['VALIDATION_FAILED', 'MALFORMED_JSON', 'BODY_TOO_DEEP', 'INVALID_TEXT', 'MALFORMED_URL', 'ID_TOO_LONG'] },
  401: { name: 'Unauthenticated', description: 'No valid bearer token', codes: ['UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'UNKNOWN_ACTOR', 'SESSION_EXPIRED'] },
  403: { name: 'Forbidden', description: 'Wrong role, or outside the caller\'s scope', codes: ['ROLE_NOT_ALLOWED', 'CSRF_TOKEN_INVALID', 'PASSWORD_CHANGE_REQUIRED', 'OUTSIDE_SCOPE', 'NOT_YOUR_CUSTOMER', 'NOT_SUPERIOR_UNIT', 'HEAD_OFFICE_ONLY', 'FOUR_EYES', 'NOT_YOUR_RECORD', 'OWN_REQUEST', 'OWN_TARGET', 'TRANSFER_NOT_ALLOWED'] },
  // A path no route matches; an operation's own unknown ids are in PATH_ERRORS (path-errors.ts).
  404: { name: 'NotFound', description: 'Unknown id', codes: ['NOT_FOUND'] },
  // Any command: the store's conflict after the retries, or the same Idempotency-Key still in progress.
  // An operation's own illegal states are in PATH_ERRORS (path-errors.ts).
  409: { name: 'Conflict', description: 'Concurrency conflict after retries, an illegal transition, or a request still in progress', codes: ['CONCURRENCY_CONFLICT', 'REQUEST_IN_PROGRESS'] },
  413: { name: 'PayloadTooLarge', description: 'Body over 1 MB (over 4 KiB without a token; a plan document over PLAN_DOCUMENT_MAX_BYTES)', codes: ['PAYLOAD_TOO_LARGE', 'BODY_TOO_LARGE_WITHOUT_TOKEN', 'DOCUMENT_TOO_LARGE'] },
  415: { name: 'UnsupportedMediaType', description: 'Body is not JSON (a plan document: its bytes are not a PDF or an Office file)', codes: ['UNSUPPORTED_MEDIA_TYPE', 'DOCUMENT_TYPE_NOT_ALLOWED'] },
  422: {
    name: 'RuleRefused',
    description: 'A business rule refuses',
    // Any command: a reused Idempotency-Key with another body (idempotency.interceptor.ts). The deciders'
    // own refusals, business time's included, are listed per operation in OPERATION_ERRORS.
    codes: ['IDEMPOTENCY_KEY_REUSED'],
  },
  429: { name: 'RateLimited', description: 'Over the rate limit for this token', codes: ['RATE_LIMITED'] },
  500: { name: 'InternalError', description: 'Unexpected failure (logged with the correlation id)', codes: ['INTERNAL'] },
  503: { name: 'Unavailable', description: 'Temporarily unavailable: try again shortly', codes: ['READ_MODEL_BEHIND', 'READ_TIMEOUT', 'REPLAYS_BUSY', 'STORE_UNAVAILABLE', 'STORE_TIMEOUT', 'READ_MODEL_NOT_READY', 'DATABASE_UNAVAILABLE'] },
};

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly secured: boolean;
  readonly hasBody: boolean;
}

/**
 * The statuses an operation can answer with an error, by how it is reached and what it takes. A
 * 404 is no operation's by its shape: the ones that answer one list their codes in PATH_ERRORS.
 */
export function errorStatuses(op: Operation): number[] {
  const api = op.path.startsWith('/api/');
  const command = op.method !== 'get';
  return [
    ...(api ? [400] : []),
    ...(op.secured ? [401, 403] : []),
    ...(api && command ? [409] : []),
    ...(api && op.hasBody ? [413, 415] : []),
    ...(api && command ? [422] : []),
    ...(api ? [429] : []),
    500,
    ...(api || op.path === '/health/ready' ? [503] : []),
  ];
}

/** What a status is called where no shared response has it (an operation's own). */
const OWN_STATUS: Record<number, string> = { 401: 'Wrong staff id or password', 403: 'Refused', 423: 'Account locked after repeated wrong passwords' };

/**
 * The codes each operation throws beyond the shared template (`METHOD /path` as documented), by
 * status. A status the template gives the operation keeps its shared codes after these; one the
 * template does not give it (sign-in is public: no shared 401) lists these only.
 */
const OWN_ERRORS: Readonly<Record<string, Readonly<Record<number, readonly string[]>>>> = {
  'POST /api/auth/sign-in': { 401: ['INVALID_CREDENTIALS'], 403: ['PASSWORD_SIGN_IN_DISABLED'], 423: ['ACCOUNT_LOCKED'], 429: ['TOO_MANY_SIGN_IN_ATTEMPTS'] },
  'POST /api/auth/password': { 422: ['INVALID_CREDENTIALS', 'WEAK_PASSWORD', 'PASSWORD_REUSED'], 423: ['ACCOUNT_LOCKED'] },
  'POST /api/auth/staff/{staffId}/one-time-password': { 422: ['WEAK_PASSWORD'] },
  // The deciders' 422 refusals, read by hand from libs/domain (the command each `case` decides, and the
  // route that sends it; openapi.refusals.int.spec.ts provokes some). Interactions carry the customer
  // side: contact (customer-contact.ts), offer and sale (customer-selling.ts, customer-suitability.ts),
  // participation, and every campaign reach check (customer-campaign-reach.ts).
  'POST /api/interactions': {
    422: ['CONTACT_LIMIT_REACHED', 'OPTED_OUT', 'CHANNEL_NOT_IN_CAMPAIGN', 'NOT_IN_CAMPAIGN', 'CONTROL_GROUP_CUSTOMER', 'IN_ANOTHER_CONTROL_GROUP', 'CAMPAIGN_NOT_RUNNING', 'CAMPAIGN_PERIOD_OVER', 'PRODUCT_NOT_IN_CAMPAIGN', 'OFFER_NOT_SUITABLE', 'REFERRAL_NOT_ON_FILE'],
  },
  // campaign.decider.ts: LaunchCampaign; CommitBudget on the owner's budget (budget.decider.ts).
  'POST /api/campaigns/{campaignId}/launch': { 422: ['CAMPAIGN_NOT_STARTED', 'CAMPAIGN_PERIOD_OVER', 'EMPTY_AUDIENCE', 'BUDGET_EXCEEDED'] },
  // campaign.decider.ts: SubmitCampaign names its plan document (plan-document.ts attachedPlan).
  'POST /api/campaigns/{campaignId}/submit': { 422: ['UNKNOWN_PLAN_DOCUMENT', 'PLAN_DOCUMENT_OF_ANOTHER_CAMPAIGN'] },
  'POST /api/campaigns/{campaignId}/costs': { 422: ['NOT_A_PARTICIPANT', 'BUDGET_EXCEEDED'] },
  'POST /api/campaigns/{campaignId}/feedback': { 422: ['NOT_A_PARTICIPANT'] },
  // campaign.decider.ts: a launched campaign is not closed before its launch.
  'POST /api/campaigns/{campaignId}/complete': { 422: ['CLOSE_BEFORE_LAUNCH'] },
  'POST /api/campaigns/{campaignId}/cancel': { 422: ['CLOSE_BEFORE_LAUNCH'] },
  // budget.decider.ts: requireCovers (SetAnnualBudget, ReceiveAllocation, DecideBudgetChange); AllocateToChild.
  'POST /api/budgets/{unitId}/annual': { 422: ['BUDGET_BELOW_COMMITMENTS'] },
  'POST /api/budgets/{unitId}/allocations': { 422: ['BUDGET_EXCEEDED', 'BUDGET_BELOW_COMMITMENTS'] },
  'POST /api/budgets/{unitId}/change-requests/{requestId}/decision': { 422: ['BUDGET_EXCEEDED', 'BUDGET_BELOW_COMMITMENTS'] },
  // customer-relationship.ts managerIn (AssignManager, FileClaim, DecideClaim) and transferTarget (TransferCustomer, RequestTransfer).
  'POST /api/customers/{customerId}/manager': { 422: ['NOT_A_MANAGER', 'STAFF_NOT_IN_UNIT'] },
  'POST /api/customers/claims': { 422: ['NOT_A_MANAGER', 'STAFF_NOT_IN_UNIT'] },
  'POST /api/customers/{customerId}/claims/{claimId}/decision': { 422: ['NOT_A_MANAGER', 'STAFF_NOT_IN_UNIT'] },
  'POST /api/customers/{customerId}/transfer': { 422: ['NOT_A_MANAGER', 'NOT_A_SUB_BRANCH'] },
  'POST /api/customers/{customerId}/transfer-requests': { 422: ['NOT_A_MANAGER', 'NOT_A_SUB_BRANCH'] },
  'POST /api/customers/{customerId}/complaints/{complaintId}/answer': { 422: ['ANSWER_BEFORE_COMPLAINT'] },
  // vip-card.decider.ts: ApplyForVipCard, DecideSpecialCard.
  'POST /api/customers/{customerId}/vip-card/applications': { 422: ['REAPPLY_TOO_SOON', 'NOT_A_VIP_TIER'] },
  'POST /api/customers/{customerId}/vip-card/applications/{applicationId}/decision': { 422: ['SPECIAL_CARD_QUOTA'] },
  // points.decider.ts: RedeemPoints.
  'POST /api/points/{customerId}/redemptions': { 422: ['INSUFFICIENT_POINTS'] },
  // organisation.decider.ts: SetTierThresholds, SetContactPolicy.
  'POST /api/org/units/{unitId}/tier-thresholds': { 422: ['THRESHOLD_BELOW_MINIMUM'] },
  'POST /api/org/units/{unitId}/contact-policy': { 422: ['POLICY_LOOSER_THAN_HEAD_OFFICE'] },
  // The readiness report's code (libs/platform readiness.ts), answered by health.controller.ts.
  'GET /health/ready': { 503: ['STORE_UNREACHABLE', 'DATABASE_UNREACHABLE', 'READ_MODELS_STALE'] },
};

/**
 * The commands whose decider holds them to business time (periods/business-time.ts
 * requireBusinessTimeAllowed): every customer command but the claims (customer.decider.ts decide),
 * the interactions, a campaign's launch and cost, and its completion or cancellation once launched
 * (campaign.decider.ts). All answer
 * PERIOD_CLOSED, and BACKDATED_TOO_FAR for staff dating a fact past the grace: every controller
 * gives its commands the recording time and the grace (http/commands.ts `issued`).
 */
const BUSINESS_TIME_CHECKED = [
  'POST /api/interactions',
  'POST /api/customers',
  'POST /api/customers/{customerId}/personal-data',
  'POST /api/customers/{customerId}/erasure',
  'POST /api/customers/{customerId}/balances',
  'POST /api/customers/{customerId}/manager',
  'POST /api/customers/{customerId}/transfer',
  'POST /api/customers/{customerId}/transfer-requests',
  'POST /api/customers/{customerId}/transfer-requests/{requestId}/decision',
  'POST /api/customers/{customerId}/risk-assessment',
  'POST /api/customers/{customerId}/consents',
  'POST /api/customers/{customerId}/complaints/{complaintId}/answer',
  'POST /api/campaigns/{campaignId}/costs',
  'POST /api/campaigns/{campaignId}/launch',
  'POST /api/campaigns/{campaignId}/complete',
  'POST /api/campaigns/{campaignId}/cancel',
];

/** Of those, the routes only an admin may call: admins are not held to the grace (no BACKDATED_TOO_FAR). */
const ADMIN_ONLY = ['POST /api/customers/{customerId}/erasure', 'POST /api/customers/{customerId}/balances'];

/**
 * Each operation's own refusals beyond the shared template (`METHOD /path` as documented): the
 * codes it throws, by status (its unknown ids and illegal states from PATH_ERRORS), with BACKDATED_TOO_FAR and PERIOD_CLOSED on the commands that check
 * business time (see above). openapi.answers.int.spec.ts and openapi.refusals.int.spec.ts provoke some of them
 * and check each is listed for its operation.
 */
export const OPERATION_ERRORS: Readonly<Record<string, Readonly<Record<number, readonly string[]>>>> = Object.fromEntries(
  [...new Set([...Object.keys(OWN_ERRORS), ...Object.keys(PATH_ERRORS), ...BUSINESS_TIME_CHECKED])].map((op) => {
    const own = { ...OWN_ERRORS[op], ...PATH_ERRORS[op] };
    const time = ADMIN_ONLY.includes(op) ? ['PERIOD_CLOSED'] : ['BACKDATED_TOO_FAR', 'PERIOD_CLOSED'];
    return [op, BUSINESS_TIME_CHECKED.includes(op) ? { ...own, 422: [...(own[422] ?? []), ...time] } : own];
  }),
);

const envelope = (code: string, message: string) => ({ 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' }, example: { error: { code, message, details: {} } } } });

/** The shared error responses, one per status, for `components.responses`; `x-codes` lists the codes. */
export function errorResponseComponents(): Record<string, object> {
  return Object.fromEntries(
    Object.values(CODES).map(({ name, description, codes }) => [name, { description: `${description}. Codes: ${codes.join(', ')}.`, 'x-codes': codes, content: envelope(codes[0]!, description.toLowerCase()) }]),
  );
}

/** The POST whose body is idempotent by its content (upload.ts IdempotentByContent): no Idempotency-Key is read. */
export const IDEMPOTENT_BY_CONTENT = ['POST /api/campaigns/{campaignId}/plan-documents'];

/** A POST's malformed Idempotency-Key, refused by idempotency.interceptor.ts before the handler. */
function idempotentCodes(op: Operation, status: number): string[] {
  const key = `${op.method.toUpperCase()} ${op.path}`;
  return status === 400 && op.method === 'post' && op.path.startsWith('/api/') && !IDEMPOTENT_BY_CONTENT.includes(key) ? ['INVALID_IDEMPOTENCY_KEY'] : [];
}

/** An operation's own codes for a status. */
function ownCodes(op: Operation, status: number): string[] {
  return [...(OPERATION_ERRORS[`${op.method.toUpperCase()} ${op.path}`]?.[status] ?? []), ...idempotentCodes(op, status)];
}

/** The codes an operation documents for a status (its own, then the shared ones the template gives it). */
export function documentedCodes(op: Operation, status: number): string[] {
  const own = ownCodes(op, status);
  const shared = errorStatuses(op).includes(status) ? (CODES[status]?.codes ?? []) : [];
  return [...own, ...shared.filter((c) => !own.includes(c))];
}

/** An operation's error responses: a reference to the shared one of its status, or its own where it has its own codes. */
export function errorResponses(op: Operation): Record<string, object> {
  const own = OPERATION_ERRORS[`${op.method.toUpperCase()} ${op.path}`] ?? {};
  const statuses = [...new Set([...errorStatuses(op), ...Object.keys(own).map(Number)])].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      if (ownCodes(op, status).length === 0) return [String(status), { $ref: `#/components/responses/${CODES[status]!.name}` }];
      const codes = documentedCodes(op, status);
      const description = CODES[status]?.description ?? OWN_STATUS[status] ?? 'Refused';
      return [String(status), { description: `${description}. Codes: ${codes.join(', ')}.`, 'x-codes': codes, content: envelope(codes[0]!, description.toLowerCase()) }];
    }),
  );
}

/**
 * Every error code the document lists, by status: the per-status template and each operation's own
 * codes. error-catalogue.spec.ts reads the source for the codes the product answers and fails when
 * one is missing here at its status, or when one listed here is answered by nothing.
 */
export function errorCatalogue(): Record<number, string[]> {
  const out: Record<number, Set<string>> = {};
  const add = (status: number, codes: readonly string[]) => codes.forEach((c) => (out[status] ??= new Set()).add(c));
  for (const [status, { codes }] of Object.entries(CODES)) add(Number(status), codes);
  for (const own of Object.values(OPERATION_ERRORS)) for (const [status, codes] of Object.entries(own)) add(Number(status), codes);
  add(400, ['INVALID_IDEMPOTENCY_KEY']);
  return Object.fromEntries(Object.entries(out).map(([s, codes]) => [s, [...codes].sort()]));
}
