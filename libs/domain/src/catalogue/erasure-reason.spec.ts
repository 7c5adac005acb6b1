import { OLDER_VERSIONS } from './older-versions';
import { CUSTOMER_EVENT_SCHEMAS } from './customer.schemas';

/** CustomerDataErased version 1 kept its reason as prose; version 2 holds a code and a reference (issue 16, item 6). */
describe('CustomerDataErased versions', () => {
  const v1 = OLDER_VERSIONS.CustomerDataErased![1]!;

  it('reads a version-1 prose reason as `other`, without the text, and a version-1 code as that code', () => {
    const prose = v1.upcast({ customerId: 'C1', reason: 'Li Hua asked by phone, 13900001111', erasedBy: 'admin' });
    expect(prose).toEqual({ customerId: 'C1', reasonCode: 'other', requestRef: null, erasedBy: 'admin' });
    expect(JSON.stringify(prose)).not.toContain('13900001111');
    expect(v1.upcast({ customerId: 'C2', reason: 'legal_order', erasedBy: 'admin' })).toEqual({ customerId: 'C2', reasonCode: 'legal_order', requestRef: null, erasedBy: 'admin' });
    expect(CUSTOMER_EVENT_SCHEMAS.CustomerDataErased.safeParse(prose).success).toBe(true);
  });

  it('takes no prose in version 2', () => {
    expect(CUSTOMER_EVENT_SCHEMAS.CustomerDataErased.safeParse({ customerId: 'C1', reason: 'customer request', erasedBy: 'admin' }).success).toBe(false);
    expect(CUSTOMER_EVENT_SCHEMAS.CustomerDataErased.safeParse({ customerId: 'C1', reasonCode: 'she asked', requestRef: null, erasedBy: 'admin' }).success).toBe(false);
  });
});
