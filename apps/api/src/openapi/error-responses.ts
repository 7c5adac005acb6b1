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
  400: { name: 'BadRequest', description: 'Invalid input', codes: ['VALIDATION_FAILED', 'MALFORMED_JSON', 'BODY_TOO_DEEP', 'INVALID_TEXT', 'MALFORMED_URL', 'INVALID_POSITION', 'POSITION_AHEAD', 'OCCURRED_IN_FUTURE', 'REASON_REQUIRED'] },
  401: { name: 'Unauthenticated', description: 'No valid bearer token', codes: ['UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'UNKNOWN_ACTOR'] },
  403: { name: 'Forbidden', description: 'Wrong role, or outside the caller\'s scope', codes: ['ROLE_NOT_ALLOWED', 'CSRF_TOKEN_INVALID', 'PASSWORD_CHANGE_REQUIRED', 'OUTSIDE_SCOPE', 'NOT_YOUR_CUSTOMER', 'NOT_SUPERIOR_UNIT', 'HEAD_OFFICE_ONLY', 'FOUR_EYES', 'NOT_YOUR_RECORD', 'OWN_REQUEST'] },
  404: { name: 'NotFound', description: 'Unknown id', codes: ['NOT_FOUND', 'UNKNOWN_CAMPAIGN', 'UNKNOWN_CUSTOMER', 'UNKNOWN_UNIT', 'UNKNOWN_STAFF', 'UNKNOWN_PRODUCT', 'UNKNOWN_TRANSFER_REQUEST'] },
  409: { name: 'Conflict', description: 'Concurrency conflict after retries, an illegal transition, or a request still in progress', codes: ['WRONG_EXPECTED_VERSION', 'INVALID_CAMPAIGN_STATE', 'ALREADY_REVERSED', 'IDEMPOTENCY_KEY_REUSED', 'REQUEST_IN_PROGRESS', 'TRANSFER_REQUEST_PENDING', 'REQUEST_ALREADY_DECIDED'] },
  413: { name: 'PayloadTooLarge', description: 'Body over 1 MB (over 4 KiB without a token; a plan document over PLAN_DOCUMENT_MAX_BYTES)', codes: ['PAYLOAD_TOO_LARGE', 'BODY_TOO_LARGE_WITHOUT_TOKEN', 'DOCUMENT_TOO_LARGE'] },
  415: { name: 'UnsupportedMediaType', description: 'Body is not JSON (a plan document: its bytes are not a PDF or an Office file)', codes: ['UNSUPPORTED_MEDIA_TYPE', 'DOCUMENT_TYPE_NOT_ALLOWED'] },
  422: {
    name: 'RuleRefused',
    description: 'A business rule refuses',
    codes: ['CONTACT_LIMIT_REACHED', 'OPTED_OUT', 'OFFER_NOT_SUITABLE', 'CONTROL_GROUP_CUSTOMER', 'IN_ANOTHER_CONTROL_GROUP', 'CAMPAIGN_PERIOD_OVER', 'BUDGET_EXCEEDED', 'SPECIAL_CARD_QUOTA', 'INSUFFICIENT_POINTS', 'EMPTY_AUDIENCE', 'UNKNOWN_PLAN_DOCUMENT', 'PLAN_DOCUMENT_OF_ANOTHER_CAMPAIGN'],
  },
  429: { name: 'RateLimited', description: 'Over the rate limit for this token', codes: ['RATE_LIMITED'] },
  500: { name: 'InternalError', description: 'Unexpected failure (logged with the correlation id)', codes: ['INTERNAL'] },
  503: { name: 'Unavailable', description: 'Temporarily unavailable: try again shortly', codes: ['READ_MODEL_BEHIND', 'READ_TIMEOUT', 'REPLAYS_BUSY', 'STORE_UNAVAILABLE', 'STORE_TIMEOUT', 'STORE_UNREACHABLE'] },
};

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly secured: boolean;
  readonly hasBody: boolean;
}

/** The statuses an operation can answer with an error, by how it is reached and what it takes. */
export function errorStatuses(op: Operation): number[] {
  const api = op.path.startsWith('/api/');
  const command = op.method !== 'get';
  return [
    ...(api ? [400] : []),
    ...(op.secured ? [401, 403] : []),
    ...(/\{\w+\}/.test(op.path) ? [404] : []),
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
 * Each operation's own refusals beyond the shared template (`METHOD /path` as documented): the
 * codes it throws, by status. A status the template gives the operation keeps its shared codes after
 * these; one the template does not give it (sign-in is public: no shared 401) lists these only.
 * openapi.answers.int.spec.ts provokes some of them and checks each is listed for its operation.
 */
export const OPERATION_ERRORS: Readonly<Record<string, Readonly<Record<number, readonly string[]>>>> = {
  'POST /api/auth/sign-in': { 401: ['INVALID_CREDENTIALS'], 403: ['PASSWORD_SIGN_IN_DISABLED'], 423: ['ACCOUNT_LOCKED'], 429: ['TOO_MANY_SIGN_IN_ATTEMPTS'] },
  'POST /api/auth/password': { 422: ['INVALID_CREDENTIALS', 'WEAK_PASSWORD', 'PASSWORD_REUSED'], 423: ['ACCOUNT_LOCKED'] },
  'POST /api/auth/staff/{staffId}/one-time-password': { 422: ['WEAK_PASSWORD'] },
  'POST /api/campaigns': { 400: ['INVALID_AGE_BAND'] },
  'POST /api/audiences/preview': { 400: ['INVALID_AGE_BAND'] },
};

const envelope = (code: string, message: string) => ({ 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' }, example: { error: { code, message, details: {} } } } });

/** The shared error responses, one per status, for `components.responses`; `x-codes` lists the codes. */
export function errorResponseComponents(): Record<string, object> {
  return Object.fromEntries(
    Object.values(CODES).map(({ name, description, codes }) => [name, { description: `${description}. Codes: ${codes.join(', ')}.`, 'x-codes': codes, content: envelope(codes[0]!, description.toLowerCase()) }]),
  );
}

/** The codes an operation documents for a status (its own, then the shared ones the template gives it). */
export function documentedCodes(op: Operation, status: number): string[] {
  const own = OPERATION_ERRORS[`${op.method.toUpperCase()} ${op.path}`]?.[status] ?? [];
  const shared = errorStatuses(op).includes(status) ? (CODES[status]?.codes ?? []) : [];
  return [...own, ...shared.filter((c) => !own.includes(c))];
}

/** An operation's error responses: a reference to the shared one of its status, or its own where it has its own codes. */
export function errorResponses(op: Operation): Record<string, object> {
  const own = OPERATION_ERRORS[`${op.method.toUpperCase()} ${op.path}`] ?? {};
  const statuses = [...new Set([...errorStatuses(op), ...Object.keys(own).map(Number)])].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      if (!own[status]) return [String(status), { $ref: `#/components/responses/${CODES[status]!.name}` }];
      const codes = documentedCodes(op, status);
      const description = CODES[status]?.description ?? OWN_STATUS[status] ?? 'Refused';
      return [String(status), { description: `${description}. Codes: ${codes.join(', ')}.`, 'x-codes': codes, content: envelope(codes[0]!, description.toLowerCase()) }];
    }),
  );
}
