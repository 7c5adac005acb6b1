import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errorCatalogue } from './error-responses';

/**
 * Issue 15: every error code the product can answer is in the document at the status it comes
 * with. Static: the source is read for the places a code is thrown (the domain's helpers, the HTTP
 * exceptions with a `code`, the middlewares' own answers) and each `status code` pair must be in
 * the catalogue the document is built from (`errorCatalogue()`: the per-status template plus every
 * operation's own codes). The other way too: a catalogued code nothing answers is a lie.
 */
const ROOT = join(__dirname, '../../../..');
const SOURCES = ['libs', 'apps/api/src'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = SOURCES.flatMap((d) => sourceFiles(join(ROOT, d))).filter((f) => !f.endsWith('openapi/error-responses.ts'));
const text = new Map(files.map((f) => [relative(ROOT, f), readFileSync(f, 'utf8')]));

/** libs/domain/src/errors.ts: the helper's kind, and error.filter.ts's STATUS for that kind. */
const HELPER_STATUS: Record<string, number> = { invalid: 400, forbidden: 403, notFound: 404, illegalState: 409, refused: 422, refusedAndRecorded: 422 };
const EXCEPTION_STATUS: Record<string, number> = { BadRequest: 400, Unauthorized: 401, Forbidden: 403, NotFound: 404, Conflict: 409, UnprocessableEntity: 422, ServiceUnavailable: 503 };
const HTTP_STATUS: Record<string, number> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415, UNPROCESSABLE_ENTITY: 422, LOCKED: 423, TOO_MANY_REQUESTS: 429, SERVICE_UNAVAILABLE: 503 };

/** `status code` for each literal code thrown the usual ways, with where. */
function thrown(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (status: number, code: string, file: string) => found.set(`${status} ${code}`, [...(found.get(`${status} ${code}`) ?? []), file]);
  for (const [file, src] of text) {
    for (const m of src.matchAll(/\b(invalid|forbidden|notFound|illegalState|refused|refusedAndRecorded)\(\s*'([A-Z_]+)'/g)) add(HELPER_STATUS[m[1]!]!, m[2]!, file);
    for (const m of src.matchAll(/new (?!Http)(\w+)Exception\(\s*\{\s*code: '([A-Z_]+)'/g)) add(EXCEPTION_STATUS[m[1]!] ?? NaN, m[2]!, file);
    for (const m of src.matchAll(/new HttpException\(\s*\{\s*code: '([A-Z_]+)'[\s\S]*?\},\s*(HttpStatus\.(\w+)|\d{3}),?\s*\)/g)) add(m[3] ? (HTTP_STATUS[m[3]] ?? NaN) : Number(m[2]), m[1]!, file);
    for (const m of src.matchAll(/refuse\(res, (\d{3}), '([A-Z_]+)'/g)) add(Number(m[1]), m[2]!, file);
    for (const m of src.matchAll(/res\.status\((\d{3})\)\.json\(\{\s*error: \{ code: '([A-Z_]+)'/g)) add(Number(m[1]), m[2]!, file);
  }
  return found;
}

/**
 * Codes answered otherwise, read by hand: each with the status error.filter.ts (or the code named)
 * gives it. A literal `code` the patterns above do not see must be here or in NOT_ANSWERED.
 */
const BY_HAND: Record<string, readonly string[]> = {
  // strict-body.ts: jsonProblem's codes, answered by `refuse(res, 400, problem.code, …)`.
  '400': ['INVALID_TEXT', 'BODY_TOO_DEEP', 'MALFORMED_JSON'],
  // auth.ts: TOKEN_EXPIRED or INVALID_TOKEN, chosen by a ternary.
  '401': ['TOKEN_EXPIRED', 'INVALID_TOKEN'],
  // A path no route matches: Nest's own NotFoundException, HTTP_CODES[404] in error.filter.ts.
  '404': ['NOT_FOUND'],
  // WrongExpectedVersion (event-store errors.ts) after the command bus's retries: error.filter.ts.
  '409': ['CONCURRENCY_CONFLICT'],
  // body-parser over the 1 MB limit: HTTP_CODES[413] in error.filter.ts.
  '413': ['PAYLOAD_TOO_LARGE'],
  // The transient EventStoreErrors (STORE_TIMEOUT, STORE_UNAVAILABLE); ReadModelNotReady and ReadTimedOut
  // rethrown with their code (read-model.ts, campaign-reports.controller.ts, notifications.controller.ts);
  // DATABASE_UNAVAILABLE (error.filter.ts); the readiness report's code on GET /health/ready.
  '503': ['STORE_TIMEOUT', 'STORE_UNAVAILABLE', 'READ_MODEL_NOT_READY', 'READ_TIMEOUT', 'DATABASE_UNAVAILABLE', 'STORE_UNREACHABLE', 'DATABASE_UNREACHABLE', 'READ_MODELS_STALE'],
  // error.filter.ts: anything else, the non-transient store errors (STREAM_DELETED, APPEND_TOO_LARGE) included.
  '500': ['INTERNAL'],
};
/** Literal codes that never reach an api answer: the CLI's import/export, the message bus's dead letters, the ops port. */
const NOT_ANSWERED = new Set(['INVALID_IMPORT_FILE', 'EXPORT_STALLED', 'PROCESSING_FAILED', 'METHOD_NOT_ALLOWED', 'NOT_FOUND', 'STREAM_DELETED', 'APPEND_TOO_LARGE']);

/**
 * Thrown but caught before any answer: the launch counts a customer enrolment refuses with these as
 * excluded (launch-campaign.command.ts EXCLUSIONS); OUTSIDE_CAMPAIGN_UNIT is thrown by enrolment only.
 */
const CAUGHT = new Set(['422 OUTSIDE_CAMPAIGN_UNIT']);

function answered(): Set<string> {
  return new Set([...thrown().keys(), ...Object.entries(BY_HAND).flatMap(([s, codes]) => codes.map((c) => `${s} ${c}`))].filter((p) => !CAUGHT.has(p)));
}

describe('the error catalogue', () => {
  const catalogue = errorCatalogue();
  const listed = new Set(Object.entries(catalogue).flatMap(([s, codes]) => codes.map((c) => `${s} ${c}`)));

  it('the scan sees the codes it is meant to (worked out by reading the source)', () => {
    const found = thrown();
    for (const pair of ['422 CONTACT_LIMIT_REACHED', '422 OPTED_OUT', '422 BACKDATED_TOO_FAR', '422 PERIOD_CLOSED', '400 OCCURRED_IN_FUTURE', '409 INVALID_CAMPAIGN_STATE', '404 UNKNOWN_CAMPAIGN', '403 OUTSIDE_SCOPE', '423 ACCOUNT_LOCKED', '401 INVALID_CREDENTIALS', '415 DOCUMENT_TYPE_NOT_ALLOWED', '413 BODY_TOO_LARGE_WITHOUT_TOKEN', '429 RATE_LIMITED', '422 IDEMPOTENCY_KEY_REUSED', '400 ID_TOO_LONG', '503 REPLAYS_BUSY']) {
      expect([pair, found.has(pair)]).toEqual([pair, true]);
    }
    expect([...found.keys()].filter((k) => !/^\d{3} /.test(k))).toEqual([]);
  });

  it('every code the product can answer is documented at its status', () => {
    const missing = [...answered()].filter((pair) => !listed.has(pair)).sort();
    expect(missing).toEqual([]);
  });

  it('every documented code is one the product answers at that status', () => {
    const answers = answered();
    const lies = [...listed].filter((pair) => !answers.has(pair)).sort();
    expect(lies).toEqual([]);
  });

  it('every literal code in the source is seen by the scan, read by hand, or never answered', () => {
    const known = new Set([...answered(), ...CAUGHT].map((p) => p.split(' ')[1]));
    const literals = new Set([...text.values()].flatMap((src) => [...src.matchAll(/\bcode(?:\?)?(?::| =) '([A-Z_]+)'/g)].map((m) => m[1]!)));
    expect([...literals].filter((c) => !known.has(c) && !NOT_ANSWERED.has(c)).sort()).toEqual([]);
  });
});
