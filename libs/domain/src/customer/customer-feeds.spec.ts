import { ORG, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';

/** Who may feed the facts that decide a customer's tier and suitability. */
const at = '2026-03-10T10:00:00.000Z';
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);
const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const managedByRm1: CustomerEvent = { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1', previousStaffId: null, unitId: 'SB1' } };

const snapshot = (by: string) => ({ type: 'RecordBalanceSnapshot', customerId: 'C1', month: '2026-02', averageDailyAssets: '250000', holdings: [], org: ORG, at, by: actor(by) }) as CustomerCommand;
const assess = (by: string) => ({ type: 'AssessRisk', customerId: 'C1', tolerance: 'R3', org: ORG, at, by: actor(by) }) as CustomerCommand;

describe('balances come from the core-banking feed (DOMAIN.md, Customer tiers: "Tiers are recomputed monthly from balances"; 004 篇九 第五条, 三个月日均资产)', () => {
  it('records a month\'s balance posted by the core-banking feed (admin), and the tier it earns', () => {
    given([onboarded, managedByRm1]).when(snapshot('admin')).thenMatches([{ type: 'BalanceSnapshotRecorded' }, { type: 'CustomerTierChanged', data: { to: 'standard' } }]);
  });

  it('refuses a balance posted by the customer\'s own relationship manager (ROLE_NOT_ALLOWED)', () => {
    given([onboarded, managedByRm1]).when(snapshot('rm1')).thenRefuses('ROLE_NOT_ALLOWED', { required: ['admin'], actual: 'relationship_manager' });
  });

  it('refuses a balance posted by a branch head (ROLE_NOT_ALLOWED)', () => {
    given([onboarded, managedByRm1]).when(snapshot('head-sb1')).thenRefuses('ROLE_NOT_ALLOWED');
  });
});

describe('a risk assessment is recorded apart from the seller (DOMAIN.md, Contacts: "Suitability … exceeds the customer\'s assessed risk tolerance is refused"; 001 服务准则 2b, 金融产品销售流程规范 3.4 避免利益冲突)', () => {
  it('records an assessment by a head of the customer\'s unit', () => {
    given([onboarded, managedByRm1]).when(assess('head-sb1')).thenMatches([{ type: 'RiskProfileAssessed', data: { tolerance: 'R3', assessedAt: at } }]);
  });

  it('records an assessment by an admin', () => {
    given([onboarded, managedByRm1]).when(assess('admin')).thenMatches([{ type: 'RiskProfileAssessed' }]);
  });

  it('refuses an assessment by the customer\'s own relationship manager, who sells to them (ROLE_NOT_ALLOWED)', () => {
    given([onboarded, managedByRm1]).when(assess('rm1')).thenRefuses('ROLE_NOT_ALLOWED', { required: ['branch_head', 'admin'], actual: 'relationship_manager' });
  });

  it('refuses an assessment by any relationship manager of an unassigned customer (ROLE_NOT_ALLOWED)', () => {
    given([onboarded]).when(assess('rm1')).thenRefuses('ROLE_NOT_ALLOWED');
  });
});
