import { forbidden, illegalState, invalid, notFound } from '../errors';
import { requireRole } from '../organisation/organisation.decider';
import { lineage, unitAtLevel, type Organisation } from '../organisation/organisation.state';
import type { CustomerCommandOf } from './customer.commands';
import type { CustomerEventOf } from './customer.events';
import { decideRelationship, transferTarget, type RelationshipState } from './customer-relationship';

/**
 * Transfer requests (客户调配, 004 篇九 第九条: "不同分行之间的客户调配由总行零售银行部门负责"): a
 * branch asks to move one of its customers to a relationship manager of another branch; the unit
 * above both branches (head office in the bank's tree) decides, never the requester. Approval is
 * the transfer itself: the same `CustomerTransferred` and `CustomerAssignedToManager` the direct
 * transfer writes, so everything that follows transfers follows these. One request waits at a time.
 * The request's reason and a rejection's reason are free text (they may name people): vault notes.
 */
export interface TransferRequestsState {
  readonly pendingTransfer: { requestId: string; fromUnitId: string; toUnitId: string; toStaffId: string; requestedBy: string } | null;
  /** Requests already decided (their ids are not used again). */
  readonly decidedTransfers: ReadonlySet<string>;
}

export const initialTransferRequests = (): TransferRequestsState => ({ pendingTransfer: null, decidedTransfers: new Set() });

export type TransferRequestsCommand = CustomerCommandOf<'RequestTransfer' | 'DecideTransferRequest'>;
export type TransferRequestsEvent = CustomerEventOf<'CustomerTransferRequested' | 'CustomerTransferRequestApproved' | 'CustomerTransferRequestRejected'>;

export function evolveTransferRequests<S extends TransferRequestsState>(s: S, e: TransferRequestsEvent): S {
  switch (e.type) {
    case 'CustomerTransferRequested':
      return { ...s, pendingTransfer: { requestId: e.data.requestId, fromUnitId: e.data.fromUnitId, toUnitId: e.data.toUnitId, toStaffId: e.data.toStaffId, requestedBy: e.data.requestedBy } };
    case 'CustomerTransferRequestApproved':
    case 'CustomerTransferRequestRejected':
      return { ...s, pendingTransfer: null, decidedTransfers: new Set([...s.decidedTransfers, e.data.requestId]) };
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decideTransferRequests(c: TransferRequestsCommand, s: TransferRequestsState & RelationshipState) {
  const customerId = c.customerId;
  switch (c.type) {
    case 'RequestTransfer': {
      requireRole(c.by, ['relationship_manager', 'branch_head', 'approver']);
      if (!c.reasonNote) throw invalid('REASON_REQUIRED', 'a transfer request gives its reason', { field: 'reason' });
      if (s.pendingTransfer) throw illegalState('TRANSFER_REQUEST_PENDING', `transfer request ${s.pendingTransfer.requestId} is waiting for a decision`, { requestId: s.pendingTransfer.requestId });
      if (s.decidedTransfers.has(c.requestId)) throw illegalState('ALREADY_EXISTS', `transfer request ${c.requestId} already exists`, { requestId: c.requestId });
      const { to, toUnit, crossBranch } = transferTarget(c.org, s.homeUnitId, c.toStaffId);
      // Inside a branch there is nothing to ask: the branch transfers directly (POST …/transfer).
      if (!crossBranch) throw invalid('NOT_CROSS_BRANCH', `${to.staffId} works in the customer's own branch: the branch transfers the customer directly`, { toStaffId: to.staffId });
      return [
        {
          type: 'CustomerTransferRequested' as const,
          data: { customerId, requestId: c.requestId, fromUnitId: s.homeUnitId, toUnitId: toUnit.unitId, fromStaffId: s.managerId, toStaffId: to.staffId, requestedBy: c.by.userId, reasonNote: c.reasonNote },
        },
      ];
    }
    case 'DecideTransferRequest': {
      const request = s.pendingTransfer;
      if (!request || request.requestId !== c.requestId) {
        if (s.decidedTransfers.has(c.requestId)) throw illegalState('REQUEST_ALREADY_DECIDED', `transfer request ${c.requestId} was already decided`, { requestId: c.requestId });
        throw notFound('UNKNOWN_TRANSFER_REQUEST', `no pending transfer request ${c.requestId}`, { requestId: c.requestId });
      }
      requireRole(c.by, ['approver', 'branch_head']);
      const decidingUnitId = transferDecidingUnit(c.org, request.fromUnitId, request.toUnitId);
      if (c.by.unitId !== decidingUnitId) {
        throw forbidden('NOT_SUPERIOR_UNIT', 'a transfer across branches is decided by the unit above both branches (head office)', {
          decidingUnitId,
          actorUnitId: c.by.unitId,
        });
      }
      if (c.by.userId === request.requestedBy) throw forbidden('OWN_REQUEST', 'a request is decided by someone other than its requester', { requestedBy: request.requestedBy });
      if (!c.approve) {
        if (!c.reasonNote) throw invalid('REASON_REQUIRED', 'a rejection gives its reason', { field: 'reason' });
        return [{ type: 'CustomerTransferRequestRejected' as const, data: { customerId, requestId: request.requestId, rejectedBy: c.by.userId, reasonNote: c.reasonNote } }];
      }
      // The transfer as the direct one writes it, from where the customer is now; the approver stands in for head office.
      const transfer = decideRelationship({ type: 'TransferCustomer', customerId, org: c.org, at: c.at, by: { ...c.by, unitId: decidingUnitId! }, toStaffId: request.toStaffId }, s);
      return [{ type: 'CustomerTransferRequestApproved' as const, data: { customerId, requestId: request.requestId, approvedBy: c.by.userId } }, ...transfer];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

/**
 * Who decides a transfer between two units of different branches: the nearest unit above both
 * branches (004 篇九 第九条 names head office, the only unit above two branches in the bank's tree).
 */
export function transferDecidingUnit(org: Organisation, fromUnitId: string, toUnitId: string): string | undefined {
  const fromBranch = unitAtLevel(org, fromUnitId, 'branch')?.unitId ?? fromUnitId;
  const toBranch = unitAtLevel(org, toUnitId, 'branch')?.unitId ?? toUnitId;
  const aboveTo = new Set(lineage(org, toBranch).slice(1).map((u) => u.unitId));
  return lineage(org, fromBranch)
    .slice(1)
    .find((u) => aboveTo.has(u.unitId))?.unitId;
}
