import { forbidden, illegalState, invalid, notFound } from '../errors';
import { requireRole } from '../organisation/organisation.decider';
import { hasActiveStaff, headOffice, lineage, type Organisation } from '../organisation/organisation.state';
import type { CustomerCommandOf } from './customer.commands';
import type { CustomerEventOf, OnboardingFacts } from './customer.events';
import { managerIn, onboardingFacts, type RelationshipState } from './customer-relationship';

/**
 * Claims (客户申领, 004 篇九 第九条): a manager who finds a customer the system does not have yet
 * claims them; the claim goes to the nearest unit above the manager's with assignment rights, and
 * its approval brings the customer into the system, assigned to the claimant. A customer already
 * in the system is assigned by their sub-branch instead (AssignManager). One claim waits at a time.
 */
export interface ClaimsState {
  /** `onboarding` is null for claims filed before claims brought customers in (on customers already onboarded). */
  readonly pendingClaim: { claimId: string; staffId: string; unitId: string; onboarding: OnboardingFacts | null } | null;
}

export const initialClaims = (): ClaimsState => ({ pendingClaim: null });

export type ClaimsCommand = CustomerCommandOf<'FileClaim' | 'DecideClaim'>;
/** Any assignment settles a waiting claim: approved, or overtaken by the unit's own choice. */
export type ClaimsEvent = CustomerEventOf<'CustomerClaimFiled' | 'CustomerClaimApproved' | 'CustomerClaimRejected' | 'CustomerAssignedToManager'>;

export function evolveClaims<S extends ClaimsState>(s: S, e: ClaimsEvent): S {
  switch (e.type) {
    case 'CustomerClaimFiled':
      return { ...s, pendingClaim: { claimId: e.data.claimId, staffId: e.data.staffId, unitId: e.data.unitId, onboarding: e.data.onboarding ?? null } };
    case 'CustomerClaimApproved':
      // The assignment that follows it settles the claim.
      return s;
    case 'CustomerClaimRejected':
    case 'CustomerAssignedToManager':
      return s.pendingClaim === null ? s : { ...s, pendingClaim: null };
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decideClaims(c: ClaimsCommand, s: ClaimsState & RelationshipState): CustomerEventOf<ClaimsEvent['type'] | 'CustomerOnboarded'>[] {
  const customerId = c.customerId;
  switch (c.type) {
    case 'FileClaim': {
      // Who may claim here comes first: a claimant from elsewhere learns nothing of the customer's state.
      if (c.by.role !== 'relationship_manager') throw forbidden('ROLE_NOT_ALLOWED', 'claims are filed by relationship managers', { actual: c.by.role });
      const onboarding = onboardingFacts(c);
      // The customer joins the sub-branch holding most of their assets, and the claimant manages them there.
      managerIn(c.org, c.by.userId, onboarding.homeUnitId);
      if (s.status !== 'none') {
        throw illegalState('CUSTOMER_ALREADY_IN_SYSTEM', `customer ${customerId} is already in the system: their sub-branch assigns them a manager`, { customerId });
      }
      requireNoClaimPending(s);
      return [{ type: 'CustomerClaimFiled', data: { customerId, claimId: c.claimId, staffId: c.by.userId, unitId: c.by.unitId, onboarding } }];
    }
    case 'DecideClaim': {
      // Who could ever decide comes before which claim: a caller who could not learns nothing of the customer's claims.
      // Claims are decided by those who assign customers (approvers and heads), in a unit above the claimant's,
      // so a unit with nothing below it never decides one. Which unit decides this claim depends on its claimant: after.
      requireRole(c.by, CLAIM_DECIDERS);
      if (!hasUnitsBelow(c.org, c.by.unitId)) {
        throw forbidden('NOT_SUPERIOR_UNIT', 'a claim is decided by the nearest unit above the claimant\'s with assignment rights; nothing is below yours', { actorUnitId: c.by.unitId });
      }
      // Which claim, and whether this unit decides it, are one answer: to anyone but the deciding unit a waiting claim
      // and none at all look the same (404, naming only the id asked for), so another branch learns nothing of it.
      const claim = s.pendingClaim;
      if (!claim || claim.claimId !== c.claimId || c.by.unitId !== claimDecidingUnit(c.org, claim.unitId)) {
        throw notFound('UNKNOWN_CLAIM', `no pending claim ${c.claimId} for your unit to decide`, { claimId: c.claimId });
      }
      if (!c.approve) {
        // A rejection says why (the claimant reads it in their inbox); the reason's text is a vault note, so no note is no reason.
        if (!c.reasonNote) throw invalid('REASON_REQUIRED', 'a rejection gives its reason', { field: 'reason' });
        return [{ type: 'CustomerClaimRejected', data: { customerId, claimId: claim.claimId, rejectedBy: c.by.userId, reasonNote: c.reasonNote ?? null } }];
      }
      const approved = { type: 'CustomerClaimApproved' as const, data: { customerId, claimId: claim.claimId, approvedBy: c.by.userId } };
      if (s.status === 'active') {
        // A claim filed under the old rule, on a customer already onboarded: assignment only.
        return [approved, { type: 'CustomerAssignedToManager', data: { customerId, staffId: claim.staffId, previousStaffId: s.managerId, unitId: s.homeUnitId } }];
      }
      if (!claim.onboarding) throw illegalState('CLAIM_WITHOUT_CUSTOMER', `claim ${claim.claimId} does not say who the customer is`, { claimId: claim.claimId });
      managerIn(c.org, claim.staffId, claim.onboarding.homeUnitId);
      return [
        approved,
        { type: 'CustomerOnboarded', data: { customerId, ...claim.onboarding } },
        { type: 'CustomerAssignedToManager', data: { customerId, staffId: claim.staffId, previousStaffId: null, unitId: claim.onboarding.homeUnitId } },
      ];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

/** Those who assign customers (004 篇九 第九条 "有分配权限的用户"): the roles that decide claims, as the inbox shows them. */
export const CLAIM_DECIDERS = ['approver', 'branch_head'] as const;

const hasUnitsBelow = (org: Organisation, unitId: string) => [...org.units.values()].some((u) => u.parentId === unitId);

/** A waiting claim holds the customer's place: no second claim, no onboarding over it. */
export function requireNoClaimPending(s: ClaimsState): void {
  if (s.pendingClaim) throw illegalState('CLAIM_PENDING', `claim ${s.pendingClaim.claimId} is waiting for a decision`, { claimId: s.pendingClaim.claimId });
}

/**
 * Where a claim goes (004 篇九 第九条: "有分配权限的上一级用户"): the nearest unit above the claimant's
 * with someone who assigns customers (an active branch head or approver); head office when none has.
 */
export function claimDecidingUnit(org: Organisation, claimantUnitId: string): string | undefined {
  const above = lineage(org, claimantUnitId).slice(1);
  return (above.find((u) => hasActiveStaff(org, u.unitId, 'branch_head') || hasActiveStaff(org, u.unitId, 'approver')) ?? headOffice(org))?.unitId;
}
