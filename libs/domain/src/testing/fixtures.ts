import { fold } from '../decider';
import { organisationDecider } from '../organisation/organisation.decider';
import type { OrganisationEvent } from '../organisation/organisation.events';
import type { Organisation } from '../organisation/organisation.state';
import type { Actor, Role } from '../shared/types';

/**
 * A small bank for specs: HO → BR1 → SB1 → OUT1, HO → BR1 → SB1B, HO → BR2 → SB2, with a
 * wealth centre WC under BR1, staff in each, and four products.
 */
export const ORG_EVENTS: OrganisationEvent[] = [
  unit('HO', 'head_office', null),
  unit('BR1', 'branch', 'HO'),
  unit('BR2', 'branch', 'HO'),
  unit('SB1', 'sub_branch_1', 'BR1'),
  unit('SB1B', 'sub_branch_1', 'BR1'),
  unit('SB2', 'sub_branch_1', 'BR2'),
  unit('OUT1', 'outlet', 'SB1'),
  { type: 'OrgUnitOpened', data: { unitId: 'WC', name: 'Wealth centre', level: 'sub_branch_1', parentId: 'BR1', wealthCentre: true } },
  staff('admin', 'admin', 'HO'),
  staff('mkt-ho', 'marketer', 'HO'),
  staff('mkt-br1', 'marketer', 'BR1'),
  staff('mkt-sb1', 'marketer', 'SB1'),
  staff('appr-ho', 'approver', 'HO'),
  staff('appr-br1', 'approver', 'BR1'),
  staff('head-br1', 'branch_head', 'BR1'),
  staff('head-sb1', 'branch_head', 'SB1'),
  staff('rm1', 'relationship_manager', 'SB1'),
  staff('rm2', 'relationship_manager', 'OUT1'),
  staff('rm1b', 'relationship_manager', 'SB1B'),
  staff('rm3', 'relationship_manager', 'SB2'),
  staff('analyst', 'analyst', 'HO'),
  defineProduct('DEP-1Y', 'deposit', 'R1', false, '0.50'),
  defineProduct('FUND-EQ', 'fund', 'R4', true, '2.00'),
  defineProduct('FUND-BOND', 'fund', 'R2', true, '1.50'),
  defineProduct('GOLD', 'precious_metal', 'R3', true, '1.00'),
];

export const ORG: Organisation = fold(organisationDecider, ORG_EVENTS);

/** The actor of a fixture staff member. */
export function actor(staffId: string): Actor {
  const s = ORG.staff.get(staffId);
  if (!s) throw new Error(`no fixture staff ${staffId}`);
  return { userId: s.staffId, unitId: s.unitId, role: s.role };
}

export const product = (code: string) => ORG.products.get(code)!;

function unit(unitId: string, level: 'head_office' | 'branch' | 'sub_branch_1' | 'sub_branch_2' | 'outlet', parentId: string | null): OrganisationEvent {
  return { type: 'OrgUnitOpened', data: { unitId, name: unitId, level, parentId, wealthCentre: false } };
}

function staff(staffId: string, role: Role, unitId: string): OrganisationEvent {
  return { type: 'StaffMemberRegistered', data: { staffId, displayName: staffId, role, unitId } };
}

function defineProduct(productCode: string, category: string, riskLevel: 'R1' | 'R2' | 'R3' | 'R4' | 'R5', riskBearing: boolean, weight: string): OrganisationEvent {
  return { type: 'ProductDefined', data: { productCode, name: productCode, category, riskLevel, riskBearing, weight } };
}
