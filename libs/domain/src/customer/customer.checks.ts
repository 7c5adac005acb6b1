import { requireCustomerAccess, type CustomerPlacement } from '../access/access';
import { forbidden, refused } from '../errors';
import { roleRequired, unknownStaff } from '../organisation/organisation.errors';
import { isWithin, type Organisation } from '../organisation/organisation.state';
import type { CustomerCommand } from './customer.commands';

/** The actor must have full access to the customer, except where a command has its own rule. */
export function requireAccess(c: CustomerCommand, s: CustomerPlacement): void {
  // Claims have their own rule: any manager may claim an unassigned customer; a unit above decides.
  if (c.type === 'FileClaim' || c.type === 'DecideClaim') return;
  if (c.type === 'EnrolInCampaign') {
    // The launching marketer enrols the whole audience, yet a marketer has no access to single
    // customers (access.ts): the campaign's scope stands in for it. The marketer acts for the
    // owning unit, and the customer is held in its subtree now (the audience came from a read
    // model: a customer moved out since is refused, and the launch counts them as excluded).
    if (c.by.role !== 'marketer' && c.by.role !== 'admin') throw roleRequired(['marketer', 'admin'], c.by.role);
    if (!isWithin(c.org, c.ownerUnitId, c.by.unitId)) throw forbidden('OUTSIDE_SCOPE', `campaign unit ${c.ownerUnitId} is outside your unit`, { ownerUnitId: c.ownerUnitId });
    if (!isWithin(c.org, s.homeUnitId, c.ownerUnitId)) {
      throw refused('OUTSIDE_CAMPAIGN_UNIT', `the customer is held by ${s.homeUnitId}, outside the campaign's unit ${c.ownerUnitId}`, { homeUnitId: s.homeUnitId, ownerUnitId: c.ownerUnitId });
    }
    return;
  }
  requireCustomerAccess(c.by, c.org, c.customerId, s);
}

/**
 * Who may feed the facts that decide a customer's tier and suitability. Balances come from the
 * core-banking feed (the admin role), not from the relationship manager whose customers' tiers
 * they set; a risk assessment is recorded by a branch head or an admin, never by a relationship
 * manager, who sells against it (001 服务准则 2b; 销售流程规范 3.4: no conflict of interest).
 */
export function requireFeedRole(c: CustomerCommand): void {
  if (c.type === 'RecordBalanceSnapshot' && c.by.role !== 'admin') throw roleRequired(['admin'], c.by.role);
  if (c.type === 'AssessRisk' && c.by.role !== 'branch_head' && c.by.role !== 'admin') throw roleRequired(['branch_head', 'admin'], c.by.role);
}

/**
 * A relationship manager records their own work: contacts, offers and sales in their own name,
 * referrals they made or received. Heads and admins may book for others (a branch terminal).
 */
export function requireRecordedByThemselves(c: CustomerCommand): void {
  if (c.by.role === 'admin') return;
  if (c.by.role !== 'relationship_manager') {
    // Heads book for the people of their own unit and below, not for anyone in the bank.
    const named = c.type === 'RecordContact' || c.type === 'PresentOffer' || c.type === 'RecordConversion' ? [c.staffId] : c.type === 'ReferCrossSell' ? [c.referrerStaffId, c.sellerStaffId] : [];
    for (const id of named) {
      const staff = c.org.staff.get(id);
      if (staff && !isWithin(c.org, staff.unitId, c.by.unitId)) throw forbidden('OUTSIDE_SCOPE', `${id} works outside your unit`, { staffId: id });
    }
    return;
  }
  const own =
    c.type === 'RecordContact' || c.type === 'PresentOffer' || c.type === 'RecordConversion'
      ? c.staffId === c.by.userId
      : c.type === 'ReferCrossSell'
        ? c.referrerStaffId === c.by.userId || c.sellerStaffId === c.by.userId
        : true;
  if (!own) throw forbidden('NOT_YOUR_RECORD', 'a relationship manager records their own contacts, offers, sales and referrals', { actor: c.by.userId });
}

export function staffMember(org: Organisation, staffId: string) {
  const staff = org.staff.get(staffId);
  if (!staff) throw unknownStaff(staffId);
  return staff;
}
