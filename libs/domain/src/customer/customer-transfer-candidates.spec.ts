import { ORG } from '../testing/fixtures';
import { transferCandidates } from './customer-relationship';

describe('whom a customer can be transferred to (the staff picker of the transfer forms)', () => {
  // The fixture bank: rm1 in SB1, rm2 in outlet OUT1 under SB1, rm1b in SB1B (BR1); rm3 in SB2 (BR2).
  it('groups the other relationship managers by the sub-branch a transfer would take the customer to, own branch first, the current manager left out', () => {
    const groups = transferCandidates(ORG, 'SB1', 'rm1', 'BR1');
    expect(groups.map((g) => [g.unitId, g.branchId, g.crossBranch, g.direct, g.staff.map((s) => s.staffId)])).toEqual([
      // rm2 works in an outlet: customers are held by its sub-branch, SB1.
      ['SB1', 'BR1', false, true, ['rm2']],
      ['SB1B', 'BR1', false, true, ['rm1b']],
      // Across branches: BR1 asks head office, it does not transfer there itself.
      ['SB2', 'BR2', true, false, ['rm3']],
    ]);
  });

  it('says head office transfers anywhere itself, and a sub-branch nowhere', () => {
    expect(transferCandidates(ORG, 'SB1', 'rm1', 'HO').map((g) => [g.unitId, g.direct])).toEqual([['SB1', true], ['SB1B', true], ['SB2', true]]);
    expect(transferCandidates(ORG, 'SB1', 'rm1', 'SB1').map((g) => [g.unitId, g.direct])).toEqual([['SB1', false], ['SB1B', false], ['SB2', false]]);
  });

  it('lists every manager for a customer nobody manages yet', () => {
    expect(transferCandidates(ORG, 'SB2', null, 'HO').map((g) => [g.unitId, g.crossBranch, g.staff.map((s) => s.staffId)])).toEqual([
      ['SB2', false, ['rm3']],
      ['SB1', true, ['rm1', 'rm2']],
      ['SB1B', true, ['rm1b']],
    ]);
  });

  it('offers the customer\'s own manager once they work in another sub-branch (a transfer takes the customer to them there), not while they work in the customer\'s unit', () => {
    // rm1 manages C1 of SB1 and moves to SB2 (BR2): the customer stays in SB1 until transferred to rm1.
    const staff = new Map(ORG.staff);
    staff.set('rm1', { ...ORG.staff.get('rm1')!, unitId: 'SB2' });
    const moved = { ...ORG, staff };
    expect(transferCandidates(moved, 'SB1', 'rm1', 'HO').map((g) => [g.unitId, g.staff.map((s) => s.staffId)])).toEqual([
      ['SB1', ['rm2']],
      ['SB1B', ['rm1b']],
      ['SB2', ['rm1', 'rm3']],
    ]);
  });

  it('lists the units of staff the caller may not see without their names or ids', () => {
    // As for a relationship manager of SB1, who sees the staff of SB1 and below (rm1, rm2) only.
    const sees = (staffId: string) => ['rm1', 'rm2'].includes(staffId);
    expect(transferCandidates(ORG, 'SB1', 'rm1', 'SB1', sees).map((g) => [g.unitId, g.crossBranch, g.staff.map((s) => s.staffId)])).toEqual([
      ['SB1', false, ['rm2']],
      ['SB1B', false, []],
      ['SB2', true, []],
    ]);
  });
});
