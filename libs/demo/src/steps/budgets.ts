import type { Actor, BudgetCommand } from '@app/domain';
import { ActOnBudget } from '@app/application';
import { addMonths } from '../calendar';
import type { Seeding } from '../seeding';

const BRANCHES = ['BR-SH', 'BR-BJ', 'BR-GZ'];

/**
 * Each year the history touches, in month order; a year only the set-up month falls in (a history
 * starting in January) comes last. The order of the years is the order of the commands, hence of
 * the event ids.
 */
export const budgetYears = (first: string, months: readonly string[]): number[] => [...new Set([...months, addMonths(first, -1)].map((m) => Number(m.slice(0, 4))))];

const actOnBudget = (s: Seeding, c: Record<string, unknown> & { type: BudgetCommand['type']; unitId: string }, by: Actor, when: string) =>
  s.send(new ActOnBudget({ ...c, org: s.org, by, at: when } as BudgetCommand, s.context(by, when)));

/** Head office fixes each year's total and splits it to the branches. */
export async function setBudgets(s: Seeding): Promise<void> {
  const approver = s.actor('appr-ho');
  for (const year of budgetYears(s.first, s.months)) {
    // The first year's budget is set with the bank, so campaigns can spend from day one.
    const when = year === Number(s.first.slice(0, 4)) ? s.setUp : `${year}-01-01T00:00:00.000Z`;
    await actOnBudget(s, { type: 'SetAnnualBudget', unitId: 'HO', year, amount: '50000000.00' }, approver, when);
    for (const b of BRANCHES) await actOnBudget(s, { type: 'AllocateToChild', unitId: 'HO', year, childUnitId: b, amount: '6000000.00' }, approver, when);
  }
}
