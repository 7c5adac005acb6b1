import { forbidden, illegalState, invalid, notFound } from '../errors';
import { requireRole } from '../organisation/organisation.decider';
import type { CustomerCommandOf } from './customer.commands';
import type { CustomerEventOf } from './customer.events';
import { decideRelationship, transferDecidingUnit, transferTarget, type RelationshipState } from './customer-relationship';

export { transferDecidingUnit };

/**
 * Transfer requests (客户调配, 004 篇九 第九条: "不同分行之间的客户调配由总行零售银行部门负责"): a
 * branch asks to move one of its customers to a relationship manager of another branch; head office
 * decides (`transferDecidingUnit`, the rule of the direct transfer too), never the requester. Approval is
 * the transfer itself: the same `CustomerTransferred` and `CustomerAssignedToManager` the direct
 * transfer writes, so everything that follows transfers follows these. One request waits at a time,
 * and while it waits the customer is not transferred directly; a request whose customer has changed
 * manager since (`AssignManager`) is stale: approval is refused, rejection closes it.
 * The request's reason and a rejection's reason are free text (they may name people): vault notes.
 */
export interface TransferRequestsState {
  readonly pendingTransfer: { requestId: string; fromUnitId: string; fromStaffId: string | null; toUnitId: string; toStaffId: string; requestedBy: string } | null;
  /** Requests already decided (their ids are not used again). */
  readonly decidedTransfers: ReadonlySet<string>;
}

export const initialTransferRequests = (): TransferRequestsState => ({ pendingTransfer: null, decidedTransfers: new Set() });

export type TransferRequestsCommand = CustomerCommandOf<'RequestTransfer' | 'DecideTransferRequest'>;
export type TransferRequestsEvent = CustomerEventOf<'CustomerTransferRequested' | 'CustomerTransferRequestApproved' | 'CustomerTransferRequestRejected'>;

export function evolveTransferRequests<S extends TransferRequestsState>(s: S, e: TransferRequestsEvent): S {
  switch (e.type) {
    case 'CustomerTransferRequested':
      return { ...s, pendingTransfer: { requestId: e.data.requestId, fromUnitId: e.data.fromUnitId, fromStaffId: e.data.fromStaffId, toUnitId: e.data.toUnitId, toStaffId: e.data.toStaffId, requestedBy: e.data.requestedBy } };
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
      // Who may decide first, then which request: someone who may not decide learns nothing about the customer's requests.
      requireRole(c.by, ['approver', 'branch_head']);
      const decidingUnitId = transferDecidingUnit(c.org);
      if (c.by.unitId !== decidingUnitId) {
        throw forbidden('NOT_SUPERIOR_UNIT', 'a transfer across branches is decided by head office', { decidingUnitId, actorUnitId: c.by.unitId });
      }
      const request = s.pendingTransfer;
      if (!request || request.requestId !== c.requestId) {
        if (s.decidedTransfers.has(c.requestId)) throw illegalState('REQUEST_ALREADY_DECIDED', `transfer request ${c.requestId} was already decided`, { requestId: c.requestId });
        throw notFound('UNKNOWN_TRANSFER_REQUEST', `no pending transfer request ${c.requestId}`, { requestId: c.requestId });
      }
      if (c.by.userId === request.requestedBy) throw forbidden('OWN_REQUEST', 'a request is decided by someone other than its requester', { requestedBy: request.requestedBy });
      if (!c.approve) {
        if (!c.reasonNote) throw invalid('REASON_REQUIRED', 'a rejection gives its reason', { field: 'reason' });
        return [{ type: 'CustomerTransferRequestRejected' as const, data: { customerId, requestId: request.requestId, rejectedBy: c.by.userId, reasonNote: c.reasonNote } }];
      }
      // The request was routed and decided on where the customer was then: moved since (another manager), it is stale.
      if (s.homeUnitId !== request.fromUnitId || s.managerId !== request.fromStaffId) {
        throw illegalState('STALE_TRANSFER_REQUEST', `transfer request ${request.requestId} was made for the customer at ${request.fromUnitId} with ${request.fromStaffId ?? 'no manager'}; they are now at ${s.homeUnitId} with ${s.managerId ?? 'no manager'}: reject it and ask again`, {
          requestId: request.requestId,
          fromUnitId: request.fromUnitId,
          fromStaffId: request.fromStaffId,
          homeUnitId: s.homeUnitId,
          managerId: s.managerId,
        });
      }
      // The transfer as the direct one writes it; the approver stands in for head office.
      const transfer = decideRelationship({ type: 'TransferCustomer', customerId, org: c.org, at: c.at, by: { ...c.by, unitId: decidingUnitId! }, toStaffId: request.toStaffId }, s);
      return [{ type: 'CustomerTransferRequestApproved' as const, data: { customerId, requestId: request.requestId, approvedBy: c.by.userId } }, ...transfer];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}
