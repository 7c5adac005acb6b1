import { ORG, actor } from '../testing/fixtures';
import { campaignInScope, customerAccess, personalDataInClear, readScope, requireCustomerAccess, staffInScope, unitInScope } from './access';

/** Who may see and act on what (DOMAIN.md, "Who uses it"), on the fixture bank: HO → BR1 → SB1 → OUT1, HO → BR2 → SB2. */
describe('access policy', () => {
  const inSb1 = (managerId: string | null) => ({ homeUnitId: 'SB1', managerId });
  const inSb2 = { homeUnitId: 'SB2', managerId: 'rm3' };

  it.each([
    ['rm1', inSb1('rm1'), 'full'], // their own customer
    ['rm1', inSb1(null), 'full'], // unassigned, in their sub-branch
    ['rm2', inSb1(null), 'full'], // an outlet below the customer's sub-branch
    ['rm1', inSb1('rm2'), 'none'], // a colleague's customer
    ['rm3', inSb1(null), 'none'], // another branch
    ['head-br1', inSb1('rm2'), 'full'],
    ['head-br1', inSb2, 'none'],
    ['appr-ho', inSb2, 'full'],
    ['mkt-br1', inSb1('rm1'), 'none'], // marketing works with audiences, not customer records
    ['analyst', inSb2, 'masked'],
    ['admin', inSb2, 'full'],
  ] as const)('gives %s %j access: %s', (who, customer, expected) => {
    expect(customerAccess(actor(who), ORG, customer)).toBe(expected);
  });

  it('lets reads take masked access while commands need full access; out of reach is an unknown customer (404), seen but not changeable a 403', () => {
    expect(requireCustomerAccess(actor('analyst'), ORG, 'C1', inSb2, 'masked')).toBe('masked');
    expect(() => requireCustomerAccess(actor('analyst'), ORG, 'C1', inSb2)).toThrow(expect.objectContaining({ code: 'OUTSIDE_SCOPE', kind: 'forbidden' }));
    // The same answer as `unknownCustomer`: code, message and details, so existence is not told.
    expect(() => requireCustomerAccess(actor('rm1'), ORG, 'C1', inSb1('rm2'), 'masked')).toThrow(expect.objectContaining({ code: 'UNKNOWN_CUSTOMER', message: 'no customer C1', details: { customerId: 'C1' } }));
  });

  it('shows personal data in clear only to those who serve the customer', () => {
    expect(personalDataInClear(actor('rm1'), 'full', { managerId: 'rm1' })).toBe(true);
    expect(personalDataInClear(actor('head-br1'), 'full', { managerId: 'rm1' })).toBe(true);
    expect(personalDataInClear(actor('admin'), 'full', { managerId: 'rm1' })).toBe(false);
    expect(personalDataInClear(actor('appr-ho'), 'full', { managerId: 'rm1' })).toBe(false);
    expect(personalDataInClear(actor('analyst'), 'masked', { managerId: 'rm1' })).toBe(false);
  });

  it("shows an unassigned customer's personal data in clear to the heads above them only, not to the sub-branch's relationship managers who may serve them", () => {
    // C1 of SB1 with no manager: rm1 (SB1) has full access to serve them, yet sees the data masked.
    expect(customerAccess(actor('rm1'), ORG, inSb1(null))).toBe('full');
    expect(personalDataInClear(actor('rm1'), 'full', { managerId: null })).toBe(false);
    expect(personalDataInClear(actor('head-sb1'), 'full', { managerId: null })).toBe(true);
    // Someone else's customer: masked to rm1 even with full access (which they would not have).
    expect(personalDataInClear(actor('rm1'), 'full', { managerId: 'rm2' })).toBe(false);
  });

  it('narrows reads: all, a subtree, or oneself', () => {
    expect(readScope(actor('analyst'))).toEqual({ kind: 'all' });
    expect(readScope(actor('head-br1'))).toEqual({ kind: 'subtree', unitId: 'BR1' });
    expect(readScope(actor('rm1'))).toEqual({ kind: 'self', staffId: 'rm1', unitId: 'SB1' });
    expect(unitInScope(ORG, readScope(actor('head-br1')), 'OUT1')).toBe(true);
    expect(unitInScope(ORG, readScope(actor('head-br1')), 'SB2')).toBe(false);
    expect(staffInScope(ORG, readScope(actor('rm1')), { staffId: 'rm2', unitId: 'OUT1' })).toBe(false);
    // a campaign is visible to the units it runs in and to those above its owner
    expect(campaignInScope(ORG, actor('rm1'), 'BR1')).toBe(true);
    expect(campaignInScope(ORG, actor('head-br1'), 'SB1')).toBe(true);
    expect(campaignInScope(ORG, actor('head-br1'), 'BR2')).toBe(false);
  });
});
