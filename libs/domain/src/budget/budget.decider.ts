import type { Decider } from '../decider';
import { forbidden, illegalState, invalid, notFound, refused } from '../errors';
import { requireRole } from '../organisation/organisation.decider';
import { outsideScope } from '../organisation/organisation.errors';
import { isSuperior, isWithin, type Organisation } from '../organisation/organisation.state';
import { formatFen, toFen, type Fen } from '../shared/money';
import type { Issued } from '../shared/types';

/**
 * A unit's yearly budget (004 篇九 第二十九条), on the `org-<unitId>` stream: head office fixes
 * its total, each unit splits its budget down to the units below (their sum never above its own),
 * changes go through a request its superior approves, and campaigns commit against what is left.
 */
export const budgetStream = (unitId: string) => `org-${unitId}`;

export type BudgetEvent =
  | { type: 'AnnualBudgetSet'; data: { unitId: string; year: number; amount: string } }
  | { type: 'BudgetAllocated'; data: { unitId: string; year: number; amount: string; fromUnitId: string } }
  | { type: 'BudgetSplit'; data: { unitId: string; year: number; childUnitId: string; amount: string } }
  | { type: 'BudgetChangeRequested'; data: { unitId: string; requestId: string; year: number; amount: string; reason: string; requestedBy: string } }
  | { type: 'BudgetChangeApproved'; data: { unitId: string; requestId: string; approvedBy: string } }
  | { type: 'BudgetChangeRejected'; data: { unitId: string; requestId: string; rejectedBy: string; reason: string } }
  | { type: 'BudgetCommitted'; data: { unitId: string; year: number; campaignId: string; amount: string } }
  | { type: 'BudgetReleased'; data: { unitId: string; year: number; campaignId: string; amount: string } };

export type BudgetCommand = Issued & { unitId: string; org: Organisation } & (
    | { type: 'SetAnnualBudget'; year: number; amount: string }
    | { type: 'AllocateToChild'; year: number; childUnitId: string; amount: string }
    | { type: 'ReceiveAllocation'; year: number; amount: string; fromUnitId: string }
    | { type: 'RequestBudgetChange'; requestId: string; year: number; amount: string; reason: string }
    | { type: 'DecideBudgetChange'; requestId: string; approve: boolean; reason: string }
    | { type: 'CommitBudget'; year: number; campaignId: string; amount: string }
    | { type: 'ReleaseBudget'; campaignId: string; amount: string }
  );

export interface YearBudget {
  readonly allocated: Fen;
  readonly splits: ReadonlyMap<string, Fen>;
  readonly committed: ReadonlyMap<string, Fen>;
  readonly released: ReadonlyMap<string, Fen>;
}

export interface BudgetState {
  readonly years: ReadonlyMap<number, YearBudget>;
  readonly requests: ReadonlyMap<string, { year: number; amount: Fen; open: boolean }>;
  /** Which year each campaign committed against. */
  readonly campaignYears: ReadonlyMap<string, number>;
}

const emptyYear: YearBudget = { allocated: 0, splits: new Map(), committed: new Map(), released: new Map() };

export const initialState = (): BudgetState => ({ years: new Map(), requests: new Map(), campaignYears: new Map() });

const sum = (m: ReadonlyMap<string, Fen>) => [...m.values()].reduce((a, b) => a + b, 0);

/** What the unit can still commit to its own campaigns this year. */
export function remaining(y: YearBudget): Fen {
  return y.allocated - sum(y.splits) - sum(y.committed) + sum(y.released);
}

/** What the unit has promised already: to the units below and to running campaigns. */
const promised = (y: YearBudget): Fen => sum(y.splits) + sum(y.committed) - sum(y.released);

export function evolve(s: BudgetState, e: BudgetEvent): BudgetState {
  const year = (n: number) => s.years.get(n) ?? emptyYear;
  const withYear = (n: number, y: YearBudget) => ({ ...s, years: new Map(s.years).set(n, y) });
  switch (e.type) {
    case 'AnnualBudgetSet':
    case 'BudgetAllocated':
      return withYear(e.data.year, { ...year(e.data.year), allocated: toFen(e.data.amount)! });
    case 'BudgetSplit': {
      const y = year(e.data.year);
      return withYear(e.data.year, { ...y, splits: new Map(y.splits).set(e.data.childUnitId, toFen(e.data.amount)!) });
    }
    case 'BudgetChangeRequested':
      return { ...s, requests: new Map(s.requests).set(e.data.requestId, { year: e.data.year, amount: toFen(e.data.amount)!, open: true }) };
    case 'BudgetChangeApproved':
    case 'BudgetChangeRejected':
      return { ...s, requests: new Map(s.requests).set(e.data.requestId, { ...s.requests.get(e.data.requestId)!, open: false }) };
    case 'BudgetCommitted': {
      const y = year(e.data.year);
      return {
        ...withYear(e.data.year, { ...y, committed: new Map(y.committed).set(e.data.campaignId, toFen(e.data.amount)!) }),
        campaignYears: new Map(s.campaignYears).set(e.data.campaignId, e.data.year),
      };
    }
    case 'BudgetReleased': {
      const y = year(e.data.year);
      return withYear(e.data.year, { ...y, released: new Map(y.released).set(e.data.campaignId, toFen(e.data.amount)!) });
    }
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decide(c: BudgetCommand, s: BudgetState): BudgetEvent[] {
  const unitId = c.unitId;
  const unit = c.org.units.get(unitId);
  if (!unit) throw notFound('UNKNOWN_UNIT', `no org unit ${unitId}`, { unitId });
  const year = (n: number) => s.years.get(n) ?? emptyYear;
  switch (c.type) {
    case 'SetAnnualBudget': {
      if (unit.parentId !== null) throw invalid('NOT_HEAD_OFFICE', 'only head office fixes its own total; other units receive theirs from above');
      requireRole(c.by, ['admin', 'approver']);
      if (!isWithin(c.org, unitId, c.by.unitId)) throw outsideScope(unitId, c.by.unitId);
      const amount = amountOf(c.amount);
      requireCovers(year(c.year), amount);
      return [{ type: 'AnnualBudgetSet', data: { unitId, year: validYear(c.year), amount: formatFen(amount) } }];
    }
    case 'AllocateToChild': {
      requireRole(c.by, ['admin', 'approver', 'branch_head']);
      if (!isWithin(c.org, unitId, c.by.unitId)) throw outsideScope(unitId, c.by.unitId);
      const child = c.org.units.get(c.childUnitId);
      if (!child || child.parentId !== unitId) throw invalid('NOT_A_CHILD_UNIT', `${c.childUnitId} is not directly below ${unitId}`, { childUnitId: c.childUnitId });
      const amount = amountOf(c.amount);
      const y = year(validYear(c.year));
      const otherSplits = sum(y.splits) - (y.splits.get(c.childUnitId) ?? 0);
      const available = y.allocated - otherSplits - sum(y.committed) + sum(y.released);
      if (amount > available) {
        throw refused('BUDGET_EXCEEDED', `${unitId} has ${formatFen(available)} left to split for ${c.year}`, { available: formatFen(available), amount: formatFen(amount) });
      }
      return [{ type: 'BudgetSplit', data: { unitId, year: c.year, childUnitId: c.childUnitId, amount: formatFen(amount) } }];
    }
    case 'ReceiveAllocation': {
      const amount = amountOf(c.amount);
      requireCovers(year(validYear(c.year)), amount);
      return [{ type: 'BudgetAllocated', data: { unitId, year: c.year, amount: formatFen(amount), fromUnitId: c.fromUnitId } }];
    }
    case 'RequestBudgetChange': {
      if (s.requests.has(c.requestId)) throw illegalState('ALREADY_EXISTS', `request ${c.requestId} already exists`, { requestId: c.requestId });
      if (!unit.parentId) throw invalid('NOT_HEAD_OFFICE', 'head office changes its own total directly');
      if (!isWithin(c.org, unitId, c.by.unitId)) throw outsideScope(unitId, c.by.unitId);
      if (!c.reason.trim()) throw invalid('REASON_REQUIRED', 'a budget change request gives its reason');
      const amount = amountOf(c.amount);
      return [
        { type: 'BudgetChangeRequested', data: { unitId, requestId: c.requestId, year: validYear(c.year), amount: formatFen(amount), reason: c.reason.trim(), requestedBy: c.by.userId } },
      ];
    }
    case 'DecideBudgetChange': {
      requireRole(c.by, ['admin', 'approver', 'branch_head']);
      if (!isSuperior(c.org, c.by.unitId, unitId)) {
        throw forbidden('NOT_SUPERIOR_UNIT', 'a budget change is decided by a unit above the requesting unit', { unitId, actorUnitId: c.by.unitId });
      }
      const request = s.requests.get(c.requestId);
      if (!request) throw notFound('UNKNOWN_REQUEST', `no budget change request ${c.requestId}`, { requestId: c.requestId });
      if (!request.open) throw illegalState('REQUEST_ALREADY_DECIDED', `request ${c.requestId} was already decided`, { requestId: c.requestId });
      if (!c.approve) {
        // The requester sees why (004 篇九 第三十条: requests are decided with a reason).
        if (!c.reason.trim()) throw invalid('REASON_REQUIRED', 'a rejection gives its reason', { field: 'reason' });
        return [{ type: 'BudgetChangeRejected', data: { unitId, requestId: c.requestId, rejectedBy: c.by.userId, reason: c.reason.trim() } }];
      }
      requireCovers(year(request.year), request.amount);
      return [
        { type: 'BudgetChangeApproved', data: { unitId, requestId: c.requestId, approvedBy: c.by.userId } },
        { type: 'BudgetAllocated', data: { unitId, year: request.year, amount: formatFen(request.amount), fromUnitId: unit.parentId! } },
      ];
    }
    case 'CommitBudget': {
      if (s.campaignYears.has(c.campaignId)) return [];
      const amount = amountOf(c.amount);
      const left = remaining(year(c.year));
      if (amount > left) {
        throw refused('BUDGET_EXCEEDED', `${unitId} has ${formatFen(left)} of its ${c.year} budget left; the campaign needs ${formatFen(amount)}`, {
          unitId,
          year: c.year,
          remaining: formatFen(left),
          amount: formatFen(amount),
          // The campaign's budget is what does not fit: a form shows the refusal beside it.
          field: 'budget',
        });
      }
      return [{ type: 'BudgetCommitted', data: { unitId, year: c.year, campaignId: c.campaignId, amount: formatFen(amount) } }];
    }
    case 'ReleaseBudget': {
      // Once per campaign: what it did not spend when it completed or was cancelled.
      const y = s.campaignYears.get(c.campaignId);
      const amount = amountOf(c.amount);
      if (y === undefined || amount === 0 || year(y).released.has(c.campaignId)) return [];
      return [{ type: 'BudgetReleased', data: { unitId, year: y, campaignId: c.campaignId, amount: formatFen(amount) } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

export const budgetDecider: Decider<BudgetCommand, BudgetState, BudgetEvent> = { initialState, evolve, decide };

function amountOf(value: string): Fen {
  const fen = toFen(value);
  if (fen === undefined || fen < 0) throw invalid('INVALID_AMOUNT', 'amount must be a non-negative amount with at most two decimals', { amount: value });
  return fen;
}

function validYear(year: number): number {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalid('INVALID_YEAR', 'year must be a calendar year', { year });
  return year;
}

/** A unit's budget may not drop below what it has already promised downwards and to campaigns. */
function requireCovers(y: YearBudget, amount: Fen): void {
  if (amount < promised(y)) {
    throw refused('BUDGET_BELOW_COMMITMENTS', `the budget cannot drop below the ${formatFen(promised(y))} already split or committed`, {
      promised: formatFen(promised(y)),
      amount: formatFen(amount),
    });
  }
}
