import { forbidden, invalid, refused } from '../errors';
import { outsideScope, unknownStaff, unknownUnit } from '../organisation/organisation.errors';
import { headOffice, isWithin, unitAtLevel, type Organisation } from '../organisation/organisation.state';
import { toFen } from '../shared/money';
import { staffMember } from './customer.checks';
import type { CustomerCommandOf } from './customer.commands';
import { badAmount, customerExists } from './customer.errors';
import type { CustomerEventOf, Gender, OnboardingFacts } from './customer.events';
import { unitWithMostAssets } from './customer.rules';

/** Who holds the customer: their sub-branch and their relationship manager (004 篇九 第九条). */
export interface RelationshipState {
  readonly status: 'none' | 'active';
  readonly customerId: string;
  readonly homeUnitId: string;
  readonly managerId: string | null;
}

export const initialRelationship = (): RelationshipState => ({ status: 'none', customerId: '', homeUnitId: '', managerId: null });

export type RelationshipCommand = CustomerCommandOf<'OnboardCustomer' | 'AssignManager' | 'TransferCustomer'>;
export type RelationshipEvent = CustomerEventOf<'CustomerOnboarded' | 'CustomerAssignedToManager' | 'CustomerTransferred'>;

export function evolveRelationship<S extends RelationshipState>(s: S, e: RelationshipEvent): S {
  switch (e.type) {
    case 'CustomerOnboarded':
      return { ...s, status: 'active', customerId: e.data.customerId, homeUnitId: e.data.homeUnitId };
    case 'CustomerAssignedToManager':
      return s.managerId === e.data.staffId ? s : { ...s, managerId: e.data.staffId };
    case 'CustomerTransferred':
      return { ...s, homeUnitId: e.data.toUnitId };
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decideRelationship(c: RelationshipCommand, s: RelationshipState): RelationshipEvent[] {
  const customerId = c.customerId;
  switch (c.type) {
    case 'OnboardCustomer': {
      // The unit asked for first (from the command alone): onboarding into a unit outside the caller's
      // scope is refused alike whether the id is taken or not. An id taken inside it must say so (409).
      const facts = onboardingFacts(c);
      requireScope(c.org, facts.homeUnitId, c.by.unitId);
      if (s.status !== 'none') throw customerExists(customerId);
      return [{ type: 'CustomerOnboarded', data: { customerId, ...facts } }];
    }
    case 'AssignManager': {
      requireScope(c.org, s.homeUnitId, c.by.unitId);
      const staff = managerIn(c.org, c.staffId, s.homeUnitId);
      if (s.managerId === staff.staffId) return [];
      return [{ type: 'CustomerAssignedToManager', data: { customerId, staffId: staff.staffId, previousStaffId: s.managerId, unitId: s.homeUnitId } }];
    }
    case 'TransferCustomer': {
      const { to, toUnit, fromBranch, crossBranch } = transferTarget(c.org, s.homeUnitId, c.toStaffId);
      // Inside a branch the branch decides; across branches, head office (004 篇九 第九条).
      if (!transfersDirectly(c.org, c.by.unitId, fromBranch, crossBranch)) {
        throw forbidden('TRANSFER_NOT_ALLOWED', crossBranch ? 'transfers across branches are decided by head office' : 'transfers inside a branch are decided by the branch', {
          crossBranch,
          actorUnitId: c.by.unitId,
        });
      }
      if (toUnit.unitId === s.homeUnitId && s.managerId === to.staffId) return [];
      return [
        { type: 'CustomerTransferred', data: { customerId, fromUnitId: s.homeUnitId, toUnitId: toUnit.unitId, fromStaffId: s.managerId, toStaffId: to.staffId, crossBranch } },
        { type: 'CustomerAssignedToManager', data: { customerId, staffId: to.staffId, previousStaffId: s.managerId, unitId: toUnit.unitId } },
      ];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

/**
 * Who decides a transfer between branches: head office (004 篇九 第九条: "不同分行之间的客户调配由总行零售银行部门负责"),
 * whatever lies between the branches and head office. The one rule for the direct transfer and for a request's decision.
 */
export function transferDecidingUnit(org: Organisation): string | undefined {
  return headOffice(org)?.unitId;
}

/**
 * Where a transfer to `toStaffId` takes a customer held by `homeUnitId`: the manager (a relationship
 * manager), their sub-branch, and whether that is in another branch.
 */
export function transferTarget(org: Organisation, homeUnitId: string, toStaffId: string) {
  const to = org.staff.get(toStaffId);
  if (!to) throw unknownStaff(toStaffId);
  if (to.role !== 'relationship_manager') throw refused('NOT_A_MANAGER', `${to.staffId} is not a relationship manager`, { staffId: to.staffId });
  const toUnit = unitAtLevel(org, to.unitId, 'sub_branch_2') ?? unitAtLevel(org, to.unitId, 'sub_branch_1');
  if (!toUnit) throw refused('NOT_A_SUB_BRANCH', `${to.staffId} does not work in a sub-branch`, { staffId: to.staffId });
  const fromBranch = unitAtLevel(org, homeUnitId, 'branch')?.unitId;
  const toBranch = unitAtLevel(org, toUnit.unitId, 'branch')?.unitId;
  return { to, toUnit, fromBranch, crossBranch: fromBranch !== toBranch };
}

/** Whether a unit transfers a customer of `fromBranch` itself (not by request): inside a branch the branch or head office, across branches head office. */
export function transfersDirectly(org: Organisation, actorUnitId: string, fromBranch: string | undefined, crossBranch: boolean): boolean {
  if (crossBranch) return actorUnitId === transferDecidingUnit(org);
  return actorUnitId === fromBranch || org.units.get(actorUnitId)?.level === 'head_office';
}

/**
 * Whom a customer held by `homeUnitId` can be transferred to, as `transferTarget` would accept them:
 * active relationship managers working in (or under) a sub-branch, grouped by that sub-branch, the
 * customer's own manager left out while they work in the customer's unit; each group says whether it is in another branch (a request to
 * head office) and whether `actorUnitId` transfers there itself. Staff the caller may not see
 * (`seesStaff`) are left out of their unit's group: the unit is still listed, with no one in it.
 */
export function transferCandidates(
  org: Organisation,
  homeUnitId: string,
  managerId: string | null,
  actorUnitId: string,
  /** Whose names the caller may read (GET /api/org's rule): the others' units are listed, without staff. Default: everyone. */
  seesStaff: (staffId: string) => boolean = () => true,
) {
  const fromBranch = unitAtLevel(org, homeUnitId, 'branch')?.unitId;
  const groups = new Map<string, { unitId: string; name: string; branchId: string | null; crossBranch: boolean; direct: boolean; staff: { staffId: string; displayName: string }[] }>();
  for (const s of org.staff.values()) {
    if (s.role !== 'relationship_manager' || s.active === false) continue;
    const unit = unitAtLevel(org, s.unitId, 'sub_branch_2') ?? unitAtLevel(org, s.unitId, 'sub_branch_1');
    if (!unit) continue;
    // The current manager is left out only where a transfer to them changes nothing: in the customer's own unit.
    // One who moved to another sub-branch is a valid target (the customer follows them there).
    if (s.staffId === managerId && unit.unitId === homeUnitId) continue;
    let group = groups.get(unit.unitId);
    if (!group) {
      const branchId = unitAtLevel(org, unit.unitId, 'branch')?.unitId ?? null;
      const crossBranch = fromBranch !== (branchId ?? undefined);
      group = { unitId: unit.unitId, name: unit.name, branchId, crossBranch, direct: transfersDirectly(org, actorUnitId, fromBranch, crossBranch), staff: [] };
      groups.set(unit.unitId, group);
    }
    if (seesStaff(s.staffId)) group.staff.push({ staffId: s.staffId, displayName: s.displayName });
  }
  const units = [...groups.values()].sort((a, b) => Number(a.crossBranch) - Number(b.crossBranch) || a.unitId.localeCompare(b.unitId));
  for (const u of units) u.staff.sort((a, b) => a.staffId.localeCompare(b.staffId));
  return units;
}

/**
 * Who a customer entering the system is: they go to the sub-branch holding most of their assets
 * (004 篇九 第九条). The same for onboarding and for a claim.
 */
export function onboardingFacts(c: { org: Organisation; segment: string; gender: Gender; birthYear: number | null; assetsByUnit: Record<string, string> }): OnboardingFacts {
  const homeUnitId = unitWithMostAssets(c.assetsByUnit);
  if (!homeUnitId) throw invalid('NO_HOME_UNIT', 'assetsByUnit must name at least one sub-branch holding the customer\'s assets');
  const unit = c.org.units.get(homeUnitId);
  if (!unit) throw unknownUnit(homeUnitId);
  if (unit.level !== 'sub_branch_1' && unit.level !== 'sub_branch_2') {
    throw invalid('NOT_A_SUB_BRANCH', `customers are held by sub-branches; ${homeUnitId} is a ${unit.level}`, { unitId: homeUnitId });
  }
  for (const [u, amount] of Object.entries(c.assetsByUnit)) if ((toFen(amount) ?? -1) < 0) throw badAmount(`assetsByUnit.${u}`, amount);
  return { homeUnitId, segment: c.segment, gender: c.gender, birthYear: c.birthYear };
}

/** A relationship manager working in (or under) the customer's home unit. */
export function managerIn(org: Organisation, staffId: string, homeUnitId: string) {
  const staff = staffMember(org, staffId);
  if (staff.role !== 'relationship_manager') throw refused('NOT_A_MANAGER', `${staffId} is not a relationship manager`, { staffId });
  if (!isWithin(org, staff.unitId, homeUnitId)) {
    throw refused('STAFF_NOT_IN_UNIT', `${staffId} does not work in the customer's unit ${homeUnitId}`, { staffId, unitId: homeUnitId });
  }
  return staff;
}

/** Onboarding is into a unit the actor works in or above (checked before anything about the customer is said). */
export function requireOnboardingScope(c: CustomerCommandOf<'OnboardCustomer'>): void {
  requireScope(c.org, onboardingFacts(c).homeUnitId, c.by.unitId);
}

/** The actor's unit must be the given unit or above it. */
function requireScope(org: Organisation, unitId: string, actorUnitId: string): void {
  if (!isWithin(org, unitId, actorUnitId)) throw outsideScope(unitId, actorUnitId);
}
