import { fold } from '../decider';
import { organisationDecider } from '../organisation/organisation.decider';
import type { OrganisationEvent } from '../organisation/organisation.events';
import { ORG, ORG_EVENTS, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';
import { transferDecidingUnit } from './customer-transfer-requests';

const at = '2026-03-10T10:00:00.000Z';
const cmd = (c: Record<string, unknown>, by: string, org = ORG) => ({ customerId: 'C1', org, at, by: actor(by), ...c }) as unknown as CustomerCommand;
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);

// C1 is held by SB1 (branch BR1) and managed by rm1; rm3 works in SB2 (branch BR2), rm1b in SB1B (BR1).
const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const managed: CustomerEvent = { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1', previousStaffId: null, unitId: 'SB1' } };
const request = (by = 'rm1', over: Record<string, unknown> = {}) => cmd({ type: 'RequestTransfer', requestId: 'TR1', toStaffId: 'rm3', reasonNote: 'transfer-request:TR1:reason', ...over }, by);
const decide = (by: string, approve: boolean, reasonNote: string | null = null, requestId = 'TR1') => cmd({ type: 'DecideTransferRequest', requestId, approve, reasonNote }, by);
const requested = (requestedBy = 'rm1'): CustomerEvent => ({
  type: 'CustomerTransferRequested',
  data: { customerId: 'C1', requestId: 'TR1', fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: 'rm1', toStaffId: 'rm3', requestedBy, reasonNote: 'transfer-request:TR1:reason' },
});
const rejected: CustomerEvent = { type: 'CustomerTransferRequestRejected', data: { customerId: 'C1', requestId: 'TR1', rejectedBy: 'appr-ho', reasonNote: 'transfer-request:TR1:rejection' } };

describe('transfer requests across branches (客户调配)', () => {
  it('004 篇九 第九条 ("不同分行之间的客户调配由总行零售银行部门负责"): the customer\'s manager asks to move them to a manager of another branch, with the reason as a vault note', () => {
    given([onboarded, managed]).when(request()).then([requested()]);
  });

  it('a branch head of the customer\'s branch may ask too; nobody outside the customer\'s units, and no marketer', () => {
    given([onboarded, managed]).when(request('head-br1')).then([requested('head-br1')]);
    // rm3 is the target, not someone who holds the customer: no access to them
    given([onboarded, managed]).when(request('rm3')).thenRefuses('UNKNOWN_CUSTOMER'); // out of reach: answered as an unknown id
    // a marketer has no access to single customers; an admin transfers directly, and asks nobody
    given([onboarded, managed]).when(request('mkt-br1')).thenRefuses('UNKNOWN_CUSTOMER');
    given([onboarded, managed]).when(request('admin')).thenRefuses('ROLE_NOT_ALLOWED');
  });

  it('refuses a request without a reason, to a manager of the same branch (the branch transfers directly), or to someone who is no manager', () => {
    given([onboarded, managed]).when(request('rm1', { reasonNote: null })).thenRefuses('REASON_REQUIRED');
    given([onboarded, managed]).when(request('rm1', { toStaffId: 'rm1b' })).thenRefuses('NOT_CROSS_BRANCH');
    given([onboarded, managed]).when(request('rm1', { toStaffId: 'appr-br1' })).thenRefuses('NOT_A_MANAGER');
    given([onboarded, managed]).when(request('rm1', { toStaffId: 'nobody' })).thenRefuses('UNKNOWN_STAFF');
  });

  it('keeps one request waiting at a time, and a request id is not used twice', () => {
    given([onboarded, managed, requested()]).when(request('rm1', { requestId: 'TR2' })).thenRefuses('TRANSFER_REQUEST_PENDING', { requestId: 'TR1' });
    given([onboarded, managed, requested(), rejected]).when(request()).thenRefuses('ALREADY_EXISTS');
  });

  it('approval by head office is the transfer itself: the same two events the direct transfer writes, after the approval', () => {
    // What the direct transfer of C1 to rm3 writes (SB1 → SB2, across branches), worked out by hand:
    const transferred: CustomerEvent[] = [
      { type: 'CustomerTransferred', data: { customerId: 'C1', fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: 'rm1', toStaffId: 'rm3', crossBranch: true } },
      { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm3', previousStaffId: 'rm1', unitId: 'SB2' } },
    ];
    given([onboarded, managed]).when(cmd({ type: 'TransferCustomer', toStaffId: 'rm3' }, 'admin')).then(transferred);
    given([onboarded, managed, requested()])
      .when(decide('appr-ho', true))
      .then([{ type: 'CustomerTransferRequestApproved', data: { customerId: 'C1', requestId: 'TR1', approvedBy: 'appr-ho' } }, ...transferred]);
  });

  it('after approval the customer is rm3\'s in SB2: rm3 has them, rm1 no longer', () => {
    const history: CustomerEvent[] = [
      onboarded,
      managed,
      requested(),
      { type: 'CustomerTransferRequestApproved', data: { customerId: 'C1', requestId: 'TR1', approvedBy: 'appr-ho' } },
      { type: 'CustomerTransferred', data: { customerId: 'C1', fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: 'rm1', toStaffId: 'rm3', crossBranch: true } },
      { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm3', previousStaffId: 'rm1', unitId: 'SB2' } },
    ];
    const s = fold(customerDecider, history);
    expect([s.homeUnitId, s.managerId, s.pendingTransfer]).toEqual(['SB2', 'rm3', null]);
    given(history).when(decide('appr-ho', true)).thenRefuses('REQUEST_ALREADY_DECIDED');
  });

  it('a rejection needs a reason; with one, nothing moves', () => {
    given([onboarded, managed, requested()]).when(decide('appr-ho', false, null)).thenRefuses('REASON_REQUIRED');
    given([onboarded, managed, requested()]).when(decide('appr-ho', false, 'transfer-request:TR1:rejection')).then([rejected]);
    const s = fold(customerDecider, [onboarded, managed, requested(), rejected]);
    expect([s.homeUnitId, s.managerId, s.pendingTransfer]).toEqual(['SB1', 'rm1', null]);
  });

  it('is decided only by an approver or head of the unit above both branches, never a branch, never an admin, never the requester', () => {
    given([onboarded, managed, requested()]).when(decide('appr-br1', true)).thenRefuses('NOT_SUPERIOR_UNIT', { decidingUnitId: 'HO', actorUnitId: 'BR1' });
    given([onboarded, managed, requested()]).when(decide('head-br1', true)).thenRefuses('NOT_SUPERIOR_UNIT');
    given([onboarded, managed, requested()]).when(decide('admin', true)).thenRefuses('ROLE_NOT_ALLOWED');
    given([onboarded, managed, requested()]).when(decide('rm1', true)).thenRefuses('ROLE_NOT_ALLOWED');
    // head office's own approver asked: head office decides, but not through them
    given([onboarded, managed, requested('appr-ho')]).when(decide('appr-ho', true)).thenRefuses('OWN_REQUEST');
    given([onboarded, managed, requested()]).when(decide('appr-ho', true, null, 'TR9')).thenRefuses('UNKNOWN_TRANSFER_REQUEST');
  });

  it('who may decide is checked before which request: a branch approver or a manager learns nothing of the customer\'s requests', () => {
    // TR9 does not exist, TR1 is pending: both answer the same 403 to someone who may not decide
    given([onboarded, managed, requested()]).when(decide('appr-br1', true, null, 'TR9')).thenRefuses('NOT_SUPERIOR_UNIT');
    given([onboarded, managed, requested(), rejected]).when(decide('appr-br1', true)).thenRefuses('NOT_SUPERIOR_UNIT');
    given([onboarded, managed]).when(decide('rm1', true, null, 'TR9')).thenRefuses('ROLE_NOT_ALLOWED');
    // head office's approver is told which
    given([onboarded, managed, requested(), rejected]).when(decide('appr-ho', true)).thenRefuses('REQUEST_ALREADY_DECIDED');
  });

  describe('a request made for where the customer was', () => {
    // After TR1 (rm1 at SB1 → rm3), SB1's head moves C1 to rm2 (OUTLET OUT1, under SB1): still SB1, another manager.
    const reassigned: CustomerEvent = { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm2', previousStaffId: 'rm1', unitId: 'SB1' } };

    it('given the customer changed manager since the request, when head office approves, then it is refused as stale and nothing moves', () => {
      given([onboarded, managed, requested(), reassigned])
        .when(decide('appr-ho', true))
        .thenRefuses('STALE_TRANSFER_REQUEST', { requestId: 'TR1', fromUnitId: 'SB1', fromStaffId: 'rm1', homeUnitId: 'SB1', managerId: 'rm2' });
    });

    it('given the same stale request, when head office rejects it with a reason, then it is closed and the customer may be asked for again', () => {
      given([onboarded, managed, requested(), reassigned]).when(decide('appr-ho', false, 'transfer-request:TR1:rejection')).then([rejected]);
      const s = fold(customerDecider, [onboarded, managed, requested(), reassigned, rejected]);
      expect([s.homeUnitId, s.managerId, s.pendingTransfer]).toEqual(['SB1', 'rm2', null]);
    });

    it('given a request waiting, when head office transfers the customer directly, then it is refused TRANSFER_REQUEST_PENDING (decide the request instead)', () => {
      given([onboarded, managed, requested()]).when(cmd({ type: 'TransferCustomer', toStaffId: 'rm3' }, 'admin')).thenRefuses('TRANSFER_REQUEST_PENDING', { requestId: 'TR1' });
      given([onboarded, managed, requested()]).when(cmd({ type: 'TransferCustomer', toStaffId: 'rm1b' }, 'head-br1')).thenRefuses('TRANSFER_REQUEST_PENDING');
      // once it is decided, the direct transfer is open again
      given([onboarded, managed, requested(), rejected])
        .when(cmd({ type: 'TransferCustomer', toStaffId: 'rm1b' }, 'head-br1'))
        .then([
          { type: 'CustomerTransferred', data: { customerId: 'C1', fromUnitId: 'SB1', toUnitId: 'SB1B', fromStaffId: 'rm1', toStaffId: 'rm1b', crossBranch: false } },
          { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm1b', previousStaffId: 'rm1', unitId: 'SB1B' } },
        ]);
    });
  });

  it('head office decides a transfer between branches (004 篇九 第九条: 总行零售银行部门): the one rule for requests and direct transfers', () => {
    expect(transferDecidingUnit(ORG)).toBe('HO');
  });

  describe('with a level between the branches and head office (BRA and BRB under REG, under HO)', () => {
    // The organisation decider puts branches only under head office; this tree is folded from events as
    // an older or imported tree might be. The nearest unit above both branches would be REG: the rule says HO.
    const opened = (unitId: string, level: 'branch' | 'sub_branch_1', parentId: string): OrganisationEvent => ({ type: 'OrgUnitOpened', data: { unitId, name: unitId, level, parentId, wealthCentre: false } });
    const person = (staffId: string, role: 'approver' | 'relationship_manager', unitId: string): OrganisationEvent => ({ type: 'StaffMemberRegistered', data: { staffId, displayName: staffId, role, unitId } });
    const REGION_ORG = fold(organisationDecider, [
      ...ORG_EVENTS,
      opened('REG', 'branch', 'HO'),
      opened('BRA', 'branch', 'REG'),
      opened('BRB', 'branch', 'REG'),
      opened('SBA', 'sub_branch_1', 'BRA'),
      opened('SBB', 'sub_branch_1', 'BRB'),
      person('appr-reg', 'approver', 'REG'),
      person('rm-a', 'relationship_manager', 'SBA'),
      person('rm-b', 'relationship_manager', 'SBB'),
    ]);
    const by = (staffId: string) => {
      const st = REGION_ORG.staff.get(staffId)!;
      return { userId: st.staffId, unitId: st.unitId, role: st.role };
    };
    const inRegion = (c: Record<string, unknown>, staffId: string) => ({ customerId: 'C1', org: REGION_ORG, at, by: by(staffId), ...c }) as unknown as CustomerCommand;
    const history: CustomerEvent[] = [
      { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SBA', segment: 'retail', gender: 'F', birthYear: 1980 } },
      { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm-a', previousStaffId: null, unitId: 'SBA' } },
    ];
    const pending: CustomerEvent = {
      type: 'CustomerTransferRequested',
      data: { customerId: 'C1', requestId: 'TR1', fromUnitId: 'SBA', toUnitId: 'SBB', fromStaffId: 'rm-a', toStaffId: 'rm-b', requestedBy: 'rm-a', reasonNote: 'transfer-request:TR1:reason' },
    };

    it('the deciding unit is head office, not the region above both branches', () => {
      expect(transferDecidingUnit(REGION_ORG)).toBe('HO');
    });

    it('the region\'s approver may neither decide the request nor transfer directly; head office may do both', () => {
      given([...history, pending]).when(inRegion({ type: 'DecideTransferRequest', requestId: 'TR1', approve: true, reasonNote: null }, 'appr-reg')).thenRefuses('NOT_SUPERIOR_UNIT', { decidingUnitId: 'HO', actorUnitId: 'REG' });
      given(history).when(inRegion({ type: 'TransferCustomer', toStaffId: 'rm-b' }, 'appr-reg')).thenRefuses('TRANSFER_NOT_ALLOWED');
      const moved: CustomerEvent[] = [
        { type: 'CustomerTransferred', data: { customerId: 'C1', fromUnitId: 'SBA', toUnitId: 'SBB', fromStaffId: 'rm-a', toStaffId: 'rm-b', crossBranch: true } },
        { type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId: 'rm-b', previousStaffId: 'rm-a', unitId: 'SBB' } },
      ];
      given(history).when(inRegion({ type: 'TransferCustomer', toStaffId: 'rm-b' }, 'appr-ho')).then(moved);
      given([...history, pending])
        .when(inRegion({ type: 'DecideTransferRequest', requestId: 'TR1', approve: true, reasonNote: null }, 'appr-ho'))
        .then([{ type: 'CustomerTransferRequestApproved', data: { customerId: 'C1', requestId: 'TR1', approvedBy: 'appr-ho' } }, ...moved]);
    });
  });
});
