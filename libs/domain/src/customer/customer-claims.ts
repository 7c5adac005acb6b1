import { forbidden, illegalState, notFound } from '../errors';
import { isSuperior } from '../organisation/organisation.state';
import type { CustomerCommandOf } from './customer.commands';
import type { CustomerEventOf } from './customer.events';
import { managerIn, type RelationshipState } from './customer-relationship';

/**
 * Claims (客户申领): a manager asks for a customer nobody manages yet; the nearest unit above
 * decides (004 篇九 第九条). One claim waits at a time.
 */
export interface ClaimsState {
  readonly pendingClaim: { claimId: string; staffId: string; unitId: string } | null;
}

export const initialClaims = (): ClaimsState => ({ pendingClaim: null });

export type ClaimsCommand = CustomerCommandOf<'FileClaim' | 'DecideClaim'>;
/** Any assignment settles a waiting claim: approved, or overtaken by the unit's own choice. */
export type ClaimsEvent = CustomerEventOf<'CustomerClaimFiled' | 'CustomerClaimApproved' | 'CustomerClaimRejected' | 'CustomerAssignedToManager'>;

export function evolveClaims<S extends ClaimsState>(s: S, e: ClaimsEvent): S {
  switch (e.type) {
    case 'CustomerClaimFiled':
      return { ...s, pendingClaim: { claimId: e.data.claimId, staffId: e.data.staffId, unitId: e.data.unitId } };
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

export function decideClaims(c: ClaimsCommand, s: ClaimsState & RelationshipState): ClaimsEvent[] {
  const customerId = c.customerId;
  switch (c.type) {
    case 'FileClaim': {
      if (s.managerId) throw illegalState('CUSTOMER_ALREADY_ASSIGNED', `customer ${customerId} already has a manager`, { customerId });
      if (s.pendingClaim) throw illegalState('CLAIM_PENDING', `claim ${s.pendingClaim.claimId} is waiting for a decision`, { claimId: s.pendingClaim.claimId });
      if (c.by.role !== 'relationship_manager') throw forbidden('ROLE_NOT_ALLOWED', 'claims are filed by relationship managers', { actual: c.by.role });
      managerIn(c.org, c.by.userId, s.homeUnitId);
      return [{ type: 'CustomerClaimFiled', data: { customerId, claimId: c.claimId, staffId: c.by.userId, unitId: c.by.unitId } }];
    }
    case 'DecideClaim': {
      const claim = s.pendingClaim;
      if (!claim || claim.claimId !== c.claimId) throw notFound('UNKNOWN_CLAIM', `no pending claim ${c.claimId}`, { claimId: c.claimId });
      if (!isSuperior(c.org, c.by.unitId, claim.unitId)) {
        throw forbidden('NOT_SUPERIOR_UNIT', 'a claim is decided by a unit above the claimant\'s', { claimantUnitId: claim.unitId, actorUnitId: c.by.unitId });
      }
      if (!c.approve) {
        return [{ type: 'CustomerClaimRejected', data: { customerId, claimId: claim.claimId, rejectedBy: c.by.userId, reason: c.reason ?? '' } }];
      }
      return [
        { type: 'CustomerClaimApproved', data: { customerId, claimId: claim.claimId, approvedBy: c.by.userId } },
        { type: 'CustomerAssignedToManager', data: { customerId, staffId: claim.staffId, previousStaffId: s.managerId, unitId: s.homeUnitId } },
      ];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}
