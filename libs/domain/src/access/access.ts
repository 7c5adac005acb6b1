import { forbidden, notFound } from '../errors';
import { isWithin, lineage, type Organisation, type OrgUnit } from '../organisation/organisation.state';
import type { Actor } from '../shared/types';

/**
 * Who may see and act on what (DOMAIN.md, "Who uses it"; 001 服务准则 1: access to customer data
 * is limited by role). One place for the scope rules: the deciders call it on the write side,
 * the query layer on the read side. Which role may call which route is declared on the routes.
 */

/** What an actor may do with one customer's records: everything, read them masked, or nothing. */
export type CustomerAccess = 'full' | 'masked' | 'none';

/** The two facts about a customer that decide access. */
export interface CustomerPlacement {
  readonly homeUnitId: string;
  readonly managerId: string | null;
}

export function customerAccess(actor: Actor, org: Organisation, customer: CustomerPlacement): CustomerAccess {
  switch (actor.role) {
    case 'admin':
      return 'full';
    case 'analyst':
      return 'masked';
    case 'relationship_manager': {
      // Their own customers; and customers of their sub-branch nobody manages yet (walk-ins,
      // new accounts), whom they may serve and claim. Both only while they work there: a manager
      // moved elsewhere loses the old customers until they are transferred.
      const near = isWithin(org, actor.unitId, customer.homeUnitId) || isWithin(org, customer.homeUnitId, actor.unitId);
      if (customer.managerId) return customer.managerId === actor.userId && near ? 'full' : 'none';
      return near ? 'full' : 'none';
    }
    case 'branch_head':
    case 'approver':
      return isWithin(org, customer.homeUnitId, actor.unitId) ? 'full' : 'none';
    case 'marketer':
      // Marketing works with audiences and campaigns, not with individual customer records.
      return 'none';
  }
}

/**
 * Who reads and writes a customer's personal data in clear: the people who serve them — their own
 * manager and the heads of the units above the customer. Everyone else with access sees it masked:
 * admins, approvers, analysts (DOMAIN.md: admins see configuration and the audit log, approvers the
 * requests put to them), and the relationship managers of the sub-branch who may serve a customer
 * nobody manages yet (walk-ins): until one of them is assigned, only the heads see it in clear.
 */
export function personalDataInClear(actor: Actor, access: CustomerAccess, customer: Pick<CustomerPlacement, 'managerId'>): boolean {
  if (access !== 'full') return false;
  if (actor.role === 'branch_head') return true;
  return actor.role === 'relationship_manager' && customer.managerId === actor.userId;
}

/**
 * Refuses unless the actor has at least `minimum` access to the customer (commands need `full`;
 * reads take `masked` too), and says which access they have. Someone who cannot see the customer
 * at all gets the very answer given for an id that does not exist (404 UNKNOWN_CUSTOMER, details
 * the customerId only), for commands as for reads: a 403 would tell them the customer exists.
 * Someone who may see the customer (masked) but not act on them gets 403 OUTSIDE_SCOPE.
 */
export function requireCustomerAccess(actor: Actor, org: Organisation, customerId: string, customer: CustomerPlacement, minimum: 'full' | 'masked' = 'full'): CustomerAccess {
  const access = customerAccess(actor, org, customer);
  if (access === 'full' || (access === 'masked' && minimum === 'masked')) return access;
  if (access === 'none') throw notFound('UNKNOWN_CUSTOMER', `no customer ${customerId}`, { customerId });
  throw forbidden('OUTSIDE_SCOPE', `customer ${customerId} may be read by you, not changed`, { customerId });
}

/**
 * What a reader sees of the organisation's figures: everything (admin, analyst), one subtree
 * (branch heads, approvers, marketers: their unit and below), or themselves (relationship managers).
 */
export type ReadScope = { readonly kind: 'all' } | { readonly kind: 'subtree'; readonly unitId: string } | { readonly kind: 'self'; readonly staffId: string; readonly unitId: string };

export function readScope(actor: Actor): ReadScope {
  if (actor.role === 'admin' || actor.role === 'analyst') return { kind: 'all' };
  if (actor.role === 'relationship_manager') return { kind: 'self', staffId: actor.userId, unitId: actor.unitId };
  return { kind: 'subtree', unitId: actor.unitId };
}

/** May figures of this unit be shown? (A relationship manager sees no unit's totals but their own unit's.) */
export function unitInScope(org: Organisation, scope: ReadScope, unitId: string): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'self') return unitId === scope.unitId;
  return isWithin(org, unitId, scope.unitId);
}

/** May this staff member's figures be shown? */
export function staffInScope(org: Organisation, scope: ReadScope, staff: { staffId: string; unitId: string }): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'self') return staff.staffId === scope.staffId;
  return isWithin(org, staff.unitId, scope.unitId);
}

/**
 * May this campaign be shown? Its owning unit is in the reader's subtree (they oversee it), or
 * the reader's unit is under the owner (the campaign runs in their unit).
 */
export function campaignInScope(org: Organisation, actor: Actor, ownerUnitId: string): boolean {
  const scope = readScope(actor);
  if (scope.kind === 'all') return true;
  return isWithin(org, ownerUnitId, actor.unitId) || isWithin(org, actor.unitId, ownerUnitId);
}

/** Refuses (403) a read of a unit outside the reader's scope. */
export function requireUnitInScope(org: Organisation, actor: Actor, unitId: string): void {
  if (!unitInScope(org, readScope(actor), unitId)) throw forbidden('OUTSIDE_SCOPE', `unit ${unitId} is outside your scope`, { unitId, actorUnitId: actor.unitId });
}

/** A staff member as a directory reader sees them: no token or revocation times. */
export interface StaffListing {
  readonly staffId: string;
  readonly displayName: string;
  readonly role: Actor['role'];
  readonly unitId: string;
  readonly active: boolean;
}

/**
 * The org directory a reader sees: the whole bank for admins and analysts; for everyone else the
 * units above theirs (where they sit) and their subtree, and the staff of their subtree only.
 */
export function organisationInScope(actor: Actor, org: Organisation): { units: OrgUnit[]; staff: StaffListing[] } {
  const global = actor.role === 'admin' || actor.role === 'analyst';
  const above = new Set(lineage(org, actor.unitId).map((u) => u.unitId));
  const units = [...org.units.values()].filter((u) => global || above.has(u.unitId) || isWithin(org, u.unitId, actor.unitId));
  const staff = [...org.staff.values()]
    .filter((s) => global || isWithin(org, s.unitId, actor.unitId))
    .map((s) => ({ staffId: s.staffId, displayName: s.displayName, role: s.role, unitId: s.unitId, active: s.active !== false }));
  return { units, staff };
}
