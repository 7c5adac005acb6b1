import { handlers, reached } from '../../../../test/support/operation-reach';
import { documentedCodes, errorResponseComponents, errorStatuses, IDEMPOTENT_BY_CONTENT } from './error-responses';
import { PATH_ERRORS } from './path-errors';

/**
 * Each operation documents the 400, 404 and 409 codes its own path can answer, and no other: the
 * source is read from the controller's handler on (test/support/operation-reach.ts) and the codes
 * thrown on the way must be the operation's PATH_ERRORS, both ways (a 400 the shared response
 * lists already, such as VALIDATION_FAILED, is not repeated there).
 */

/** Reached through a method of an object the reading does not follow: `this.runtime.projector.rebuild` (projection-runner.ts rebuildAll). */
const BY_HAND: Record<string, readonly string[]> = { 'POST /api/projections/{name}/rebuild': ['409 REBUILD_IN_PROGRESS'] };

const all = handlers();
const own = (op: string) => Object.entries(PATH_ERRORS[op] ?? {}).flatMap(([status, codes]) => codes.map((c) => `${status} ${c}`));
/** The shared 400's codes: what any operation's body, URL and validation refuse. */
const shared400 = new Set((errorResponseComponents().BadRequest as { 'x-codes': string[] })['x-codes'].map((c) => `400 ${c}`));
/** The codes a handler's path reaches that are its own to document. */
const pathCodes = (h: (typeof all)[number]) => new Map([...reached(h)].filter(([p]) => !shared400.has(p)));

describe('the 400, 404 and 409 codes each operation documents', () => {
  it('the reading finds the paths worked out by hand from the source', () => {
    const find = (op: string, status = /^40[49]/) => [...pathCodes(all.find((h) => h.operation === op)!).keys()].filter((p) => status.test(p)).sort();
    // points.command.ts: no customer, no points; points.decider.ts RedeemPoints: a redemption id used already.
    expect(find('POST /api/points/{customerId}/redemptions')).toEqual(['404 UNKNOWN_CUSTOMER', '409 ALREADY_EXISTS']);
    // The reversal's own: no such transaction, or reversed already (points.decider.ts ReverseTransactionPoints).
    expect(find('POST /api/points/{customerId}/transactions/{transactionId}/reversal')).toEqual(['404 UNKNOWN_CUSTOMER', '404 UNKNOWN_TRANSACTION', '409 ALREADY_REVERSED']);
    // organisation.decider.ts CloseMonth: only a month that is over.
    expect(find('POST /api/org/closed-months')).toEqual(['409 MONTH_NOT_OVER']);
    // Its 400s: points.decider.ts (a whole number of points), the recording time (command-context.ts, through Commands.issue).
    expect(find('POST /api/points/{customerId}/redemptions', /^400/)).toEqual(['400 INVALID_CORRECTION_REASON', '400 INVALID_POINTS', '400 OCCURRED_IN_FUTURE']);
    // campaign.decider.ts DraftCampaign: refused on a campaign that exists, and without a name. The audience preview
    // checks its plan with the same rules (plannedCampaign) on no stream and under a name of its own: it answers neither.
    expect(find('POST /api/campaigns', /^(409|400 NAME)/)).toEqual(['400 NAME_REQUIRED', '409 ALREADY_EXISTS']);
    expect(find('POST /api/audiences/preview', /^(409|400 NAME)/)).toEqual([]);
    expect(find('POST /api/audiences/preview', /^404/)).toEqual(['404 UNKNOWN_PRODUCT', '404 UNKNOWN_UNIT']);
    // A query reading the campaign list throws neither.
    expect(find('GET /api/campaigns')).toEqual([]);
    expect(all.length).toBeGreaterThan(80);
  });

  it('every code an operation documents is thrown on its path, and every one thrown on it is documented', () => {
    const drift = all.flatMap((h) => {
      const { operation } = h;
      const found = pathCodes(h);
      const documented = new Set(own(operation));
      const thrown = new Set([...found.keys(), ...(BY_HAND[operation] ?? [])]);
      return [
        ...[...thrown].filter((p) => !documented.has(p)).map((p) => `${operation}: throws ${p} (${found.get(p) ?? 'by hand'}) undocumented`),
        ...[...documented].filter((p) => !thrown.has(p)).map((p) => `${operation}: documents ${p} that nothing on its path throws`),
      ];
    });
    expect(drift).toEqual([]);
  });

  it('no Idempotency-Key is documented where the handler is idempotent by its content', () => {
    expect(all.filter((h) => h.decorators.includes('@IdempotentByContent(')).map((h) => h.operation)).toEqual(IDEMPOTENT_BY_CONTENT);
  });

  it('every operation PATH_ERRORS names has a handler', () => {
    const ops = new Set(all.map((h) => h.operation));
    expect(Object.keys(PATH_ERRORS).filter((op) => !ops.has(op))).toEqual([]);
  });

  it('an operation documents a 404 only with codes of its own, and a 400 or 409 beyond the shared ones only with its own', () => {
    const op = (method: string, path: string) => ({ method, path, secured: true, hasBody: method !== 'get' });
    // A list has no id to miss; a command on a campaign misses the campaign; an org unit's targets the unit.
    expect(errorStatuses(op('get', '/api/campaigns'))).not.toContain(404);
    expect(documentedCodes(op('get', '/api/campaigns'), 404)).toEqual([]);
    expect(documentedCodes(op('post', '/api/points/{customerId}/redemptions'), 404)).toEqual(['UNKNOWN_CUSTOMER']);
    expect(documentedCodes(op('post', '/api/points/{customerId}/redemptions'), 409)).toEqual(['ALREADY_EXISTS', 'CONCURRENCY_CONFLICT', 'REQUEST_IN_PROGRESS']);
    expect(documentedCodes(op('post', '/api/org/scoring-rules'), 409)).toEqual(['CONCURRENCY_CONFLICT', 'REQUEST_IN_PROGRESS']);
    // A query answers no Idempotency-Key refusal (only a POST's is read); a command its own 400s, then the key's, then the shared.
    expect(documentedCodes(op('get', '/api/campaigns'), 400)).not.toContain('INVALID_IDEMPOTENCY_KEY');
    expect(documentedCodes(op('post', '/api/points/{customerId}/redemptions'), 400).slice(0, 4)).toEqual(['INVALID_CORRECTION_REASON', 'INVALID_POINTS', 'OCCURRED_IN_FUTURE', 'INVALID_IDEMPOTENCY_KEY']);
  });
});
