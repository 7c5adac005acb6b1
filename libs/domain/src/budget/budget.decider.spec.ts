import { ORG, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import { budgetDecider, type BudgetCommand, type BudgetEvent } from './budget.decider';

const at = '2026-01-02T09:00:00.000Z';
const cmd = (unitId: string, c: Record<string, unknown>, by = 'admin') => ({ unitId, org: ORG, at, by: actor(by), ...c }) as unknown as BudgetCommand;
const given = (history: BudgetEvent[]) => spec(budgetDecider).given(history);

const hoSet: BudgetEvent = { type: 'AnnualBudgetSet', data: { unitId: 'HO', year: 2026, amount: '1000000.00' } };
const splitBr1: BudgetEvent = { type: 'BudgetSplit', data: { unitId: 'HO', year: 2026, childUnitId: 'BR1', amount: '600000.00' } };
const br1Allocated: BudgetEvent = { type: 'BudgetAllocated', data: { unitId: 'BR1', year: 2026, amount: '600000.00', fromUnitId: 'HO' } };
const committed = (amount: string, campaignId = 'K1'): BudgetEvent => ({ type: 'BudgetCommitted', data: { unitId: 'BR1', year: 2026, campaignId, amount } });

describe('budgets', () => {
  it('lets head office fix its yearly total', () => {
    given([]).when(cmd('HO', { type: 'SetAnnualBudget', year: 2026, amount: '1000000' })).then([hoSet]);
    given([]).when(cmd('BR1', { type: 'SetAnnualBudget', year: 2026, amount: '1' })).thenRefuses('NOT_HEAD_OFFICE');
  });

  it('splits a budget to a unit directly below, within what is left', () => {
    given([hoSet]).when(cmd('HO', { type: 'AllocateToChild', year: 2026, childUnitId: 'BR1', amount: '600000' })).then([splitBr1]);
    given([hoSet, splitBr1]).when(cmd('HO', { type: 'AllocateToChild', year: 2026, childUnitId: 'BR2', amount: '400000.01' })).thenRefuses('BUDGET_EXCEEDED', { available: '400000.00' });
  });

  it('counts a new split to the same child instead of the old one', () => {
    given([hoSet, splitBr1]).when(cmd('HO', { type: 'AllocateToChild', year: 2026, childUnitId: 'BR1', amount: '1000000' })).thenMatches([{ type: 'BudgetSplit', data: { amount: '1000000.00' } }]);
  });

  it('refuses splitting to a unit that is not directly below', () => {
    given([hoSet]).when(cmd('HO', { type: 'AllocateToChild', year: 2026, childUnitId: 'SB1', amount: '1' })).thenRefuses('NOT_A_CHILD_UNIT');
  });

  it('commits a campaign budget against what the unit has left, once', () => {
    given([br1Allocated]).when(cmd('BR1', { type: 'CommitBudget', year: 2026, campaignId: 'K1', amount: '600000' })).then([committed('600000.00')]);
    given([br1Allocated, committed('600000.00')]).when(cmd('BR1', { type: 'CommitBudget', year: 2026, campaignId: 'K1', amount: '600000' })).then([]);
  });

  it('refuses a campaign that would exceed the remaining budget', () => {
    given([br1Allocated, committed('500000.00')])
      .when(cmd('BR1', { type: 'CommitBudget', year: 2026, campaignId: 'K2', amount: '100000.01' }))
      .thenRefuses('BUDGET_EXCEEDED', { remaining: '100000.00', field: 'budget' });
  });

  it('returns released budget to what is left', () => {
    const released: BudgetEvent = { type: 'BudgetReleased', data: { unitId: 'BR1', year: 2026, campaignId: 'K1', amount: '200000.00' } };
    given([br1Allocated, committed('600000.00')]).when(cmd('BR1', { type: 'ReleaseBudget', campaignId: 'K1', amount: '200000' })).then([released]);
    given([br1Allocated, committed('600000.00'), released]).when(cmd('BR1', { type: 'CommitBudget', year: 2026, campaignId: 'K2', amount: '200000' })).thenMatches([{ type: 'BudgetCommitted' }]);
    given([br1Allocated, committed('600000.00'), released]).when(cmd('BR1', { type: 'ReleaseBudget', campaignId: 'K1', amount: '200000' })).then([]);
  });

  it('asks the superior for a change and applies it when approved', () => {
    const requested: BudgetEvent = { type: 'BudgetChangeRequested', data: { unitId: 'BR1', requestId: 'Q1', year: 2026, amount: '700000.00', reason: 'spring drive', requestedBy: 'head-br1' } };
    given([br1Allocated]).when(cmd('BR1', { type: 'RequestBudgetChange', requestId: 'Q1', year: 2026, amount: '700000', reason: 'spring drive' }, 'head-br1')).then([requested]);
    given([br1Allocated, requested]).when(cmd('BR1', { type: 'DecideBudgetChange', requestId: 'Q1', approve: true, reason: '' }, 'appr-ho')).then([
      { type: 'BudgetChangeApproved', data: { unitId: 'BR1', requestId: 'Q1', approvedBy: 'appr-ho' } },
      { type: 'BudgetAllocated', data: { unitId: 'BR1', year: 2026, amount: '700000.00', fromUnitId: 'HO' } },
    ]);
    given([br1Allocated, requested]).when(cmd('BR1', { type: 'DecideBudgetChange', requestId: 'Q1', approve: true, reason: '' }, 'head-br1')).thenRefuses('NOT_SUPERIOR_UNIT');
  });

  it('rejects a change only with a reason, which the requester then reads', () => {
    const requested: BudgetEvent = { type: 'BudgetChangeRequested', data: { unitId: 'BR1', requestId: 'Q1', year: 2026, amount: '700000.00', reason: 'spring drive', requestedBy: 'head-br1' } };
    given([br1Allocated, requested]).when(cmd('BR1', { type: 'DecideBudgetChange', requestId: 'Q1', approve: false, reason: '' }, 'appr-ho')).thenRefuses('REASON_REQUIRED', { field: 'reason' });
    given([br1Allocated, requested]).when(cmd('BR1', { type: 'DecideBudgetChange', requestId: 'Q1', approve: false, reason: '   ' }, 'appr-ho')).thenRefuses('REASON_REQUIRED');
    given([br1Allocated, requested])
      .when(cmd('BR1', { type: 'DecideBudgetChange', requestId: 'Q1', approve: false, reason: ' no headroom this year ' }, 'appr-ho'))
      .then([{ type: 'BudgetChangeRejected', data: { unitId: 'BR1', requestId: 'Q1', rejectedBy: 'appr-ho', reason: 'no headroom this year' } }]);
  });

  it('refuses lowering a budget below what is already committed', () => {
    given([br1Allocated, committed('500000.00')]).when(cmd('BR1', { type: 'ReceiveAllocation', year: 2026, amount: '400000', fromUnitId: 'HO' })).thenRefuses('BUDGET_BELOW_COMMITMENTS');
  });
});
