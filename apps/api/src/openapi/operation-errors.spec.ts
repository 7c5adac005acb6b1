import { handlers, reached } from '../../../../test/support/operation-reach';
import { documentedCodes, errorStatuses } from './error-responses';
import { STATE_ERRORS } from './state-errors';

/**
 * Each operation documents the 404 and 409 codes its own path can answer, and no other: the
 * source is read from the controller's handler on (test/support/operation-reach.ts) and the codes
 * thrown on the way must be the operation's STATE_ERRORS, both ways.
 */

/** Reached through a method of an object the reading does not follow: `this.runtime.projector.rebuild` (projection-runner.ts rebuildAll). */
const BY_HAND: Record<string, readonly string[]> = { 'POST /api/projections/{name}/rebuild': ['409 REBUILD_IN_PROGRESS'] };

const all = handlers();
const own = (op: string) => Object.entries(STATE_ERRORS[op] ?? {}).flatMap(([status, codes]) => codes.map((c) => `${status} ${c}`));

describe('the 404 and 409 codes each operation documents', () => {
  it('the reading finds the paths worked out by hand from the source', () => {
    const find = (op: string) => [...reached(all.find((h) => h.operation === op)!).keys()].sort();
    // points.command.ts: no customer, no points; points.decider.ts RedeemPoints: a redemption id used already.
    expect(find('POST /api/points/{customerId}/redemptions')).toEqual(['404 UNKNOWN_CUSTOMER', '409 ALREADY_EXISTS']);
    // The reversal's own: no such transaction, or reversed already (points.decider.ts ReverseTransactionPoints).
    expect(find('POST /api/points/{customerId}/transactions/{transactionId}/reversal')).toEqual(['404 UNKNOWN_CUSTOMER', '404 UNKNOWN_TRANSACTION', '409 ALREADY_REVERSED']);
    // organisation.decider.ts CloseMonth: only a month that is over.
    expect(find('POST /api/org/closed-months')).toEqual(['409 MONTH_NOT_OVER']);
    // A query reading the campaign list throws neither.
    expect(find('GET /api/campaigns')).toEqual([]);
    expect(all.length).toBeGreaterThan(80);
  });

  it('every code an operation documents is thrown on its path, and every one thrown on it is documented', () => {
    const drift = all.flatMap((h) => {
      const { operation } = h;
      const found = reached(h);
      const documented = new Set(own(operation));
      const thrown = new Set([...found.keys(), ...(BY_HAND[operation] ?? [])]);
      return [
        ...[...thrown].filter((p) => !documented.has(p)).map((p) => `${operation}: throws ${p} (${found.get(p) ?? 'by hand'}) undocumented`),
        ...[...documented].filter((p) => !thrown.has(p)).map((p) => `${operation}: documents ${p} that nothing on its path throws`),
      ];
    });
    expect(drift).toEqual([]);
  });

  it('every operation STATE_ERRORS names has a handler', () => {
    const ops = new Set(all.map((h) => h.operation));
    expect(Object.keys(STATE_ERRORS).filter((op) => !ops.has(op))).toEqual([]);
  });

  it('an operation documents a 404 only with codes of its own, and a 409 beyond the shared two only with its own', () => {
    const op = (method: string, path: string) => ({ method, path, secured: true, hasBody: method !== 'get' });
    // A list has no id to miss; a command on a campaign misses the campaign; an org unit's targets the unit.
    expect(errorStatuses(op('get', '/api/campaigns'))).not.toContain(404);
    expect(documentedCodes(op('get', '/api/campaigns'), 404)).toEqual([]);
    expect(documentedCodes(op('post', '/api/points/{customerId}/redemptions'), 404)).toEqual(['UNKNOWN_CUSTOMER']);
    expect(documentedCodes(op('post', '/api/points/{customerId}/redemptions'), 409)).toEqual(['ALREADY_EXISTS', 'CONCURRENCY_CONFLICT', 'REQUEST_IN_PROGRESS']);
    expect(documentedCodes(op('post', '/api/org/scoring-rules'), 409)).toEqual(['CONCURRENCY_CONFLICT', 'REQUEST_IN_PROGRESS']);
  });
});
