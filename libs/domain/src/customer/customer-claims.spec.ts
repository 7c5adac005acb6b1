import { ORG, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';

const at = '2026-03-10T10:00:00.000Z';
const base = { customerId: 'C1', org: ORG, at, by: actor('rm1') };
const cmd = (c: Record<string, unknown>, by = 'rm1') => ({ ...base, by: actor(by), ...c }) as unknown as CustomerCommand;
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);

/** What the manager found out about the customer: the same facts onboarding takes. */
const facts = { segment: 'retail', gender: 'F', birthYear: 1980, assetsByUnit: { SB1: '50000', SB1B: '20000' } };
const fileClaim = (by = 'rm1', over: Record<string, unknown> = {}) => cmd({ type: 'FileClaim', claimId: 'CL1', ...facts, ...over }, by);
const decide = (by: string, approve = true) => cmd({ type: 'DecideClaim', claimId: 'CL1', approve, reasonNote: approve ? undefined : 'claim:CL1:rejection' }, by);
const filedBy = (staffId: string, unitId: string): CustomerEvent => ({
  type: 'CustomerClaimFiled',
  data: { customerId: 'C1', claimId: 'CL1', staffId, unitId, onboarding: { homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } },
});
const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const assignedTo = (staffId: string): CustomerEvent => ({ type: 'CustomerAssignedToManager', data: { customerId: 'C1', staffId, previousStaffId: null, unitId: 'SB1' } });

describe('claims (客户申领)', () => {
  it('DOMAIN Organisation ("A manager who finds a customer not yet in the system files a claim"; 004 篇九 第九条): the claim starts the stream of a customer the system does not have, with the onboarding facts', () => {
    given([]).when(fileClaim()).then([filedBy('rm1', 'SB1')]);
  });

  it('DOMAIN Organisation ("it goes to the nearest superior with assignment rights"; 004 篇九 第九条 "有分配权限的上一级用户"): approval onboards the customer and assigns them to the claimant', () => {
    // rm1 works in SB1; the nearest unit above SB1 with someone who assigns customers is BR1 (head-br1, appr-br1).
    given([filedBy('rm1', 'SB1')])
      .when(decide('head-br1'))
      .then([{ type: 'CustomerClaimApproved', data: { customerId: 'C1', claimId: 'CL1', approvedBy: 'head-br1' } }, onboarded, assignedTo('rm1')]);
  });

  it('DOMAIN Organisation (the nearest superior with assignment rights): a unit further up may not decide when a nearer one can, nor the claimant\'s own unit', () => {
    // rm2 works in outlet OUT1, under SB1, whose head (head-sb1) assigns customers: SB1 decides, not BR1.
    given([filedBy('rm2', 'OUT1')])
      .when(decide('head-sb1'))
      .then([{ type: 'CustomerClaimApproved', data: { customerId: 'C1', claimId: 'CL1', approvedBy: 'head-sb1' } }, onboarded, assignedTo('rm2')]);
    // Another unit is told the claim is unknown to it, naming only the id it asked for (not where the claim waits).
    given([filedBy('rm2', 'OUT1')]).when(decide('head-br1')).thenRefuses('UNKNOWN_CLAIM', { claimId: 'CL1' });
    given([filedBy('rm1', 'SB1')]).when(decide('head-sb1')).thenRefuses('UNKNOWN_CLAIM', { claimId: 'CL1' });
  });

  it('DOMAIN Organisation (a claim is for a customer not yet in the system): refuses a claim on a customer the system has, assigned or not', () => {
    given([onboarded]).when(fileClaim()).thenRefuses('CUSTOMER_ALREADY_IN_SYSTEM');
    given([onboarded, assignedTo('rm2')]).when(fileClaim()).thenRefuses('CUSTOMER_ALREADY_IN_SYSTEM');
  });

  it('is filed by a relationship manager working in the sub-branch the customer joins (the one holding most of their assets)', () => {
    given([]).when(fileClaim('rm3')).thenRefuses('STAFF_NOT_IN_UNIT');
    given([]).when(fileClaim('head-sb1')).thenRefuses('ROLE_NOT_ALLOWED');
    given([]).when(fileClaim('rm1', { assetsByUnit: { BR1: '1' } })).thenRefuses('NOT_A_SUB_BRANCH');
  });

  it('refuses a rejection without its reason (blank reasons reach the decider as no note), after the check of who decides', () => {
    const blank = cmd({ type: 'DecideClaim', claimId: 'CL1', approve: false, reasonNote: null }, 'head-br1');
    given([filedBy('rm1', 'SB1')]).when(blank).thenRefuses('REASON_REQUIRED', { field: 'reason' });
    given([filedBy('rm1', 'SB1')]).when(cmd({ type: 'DecideClaim', claimId: 'CL1', approve: false }, 'head-br1')).thenRefuses('REASON_REQUIRED');
    // SB1's own head does not decide rm1's claim: that refusal comes first.
    given([filedBy('rm1', 'SB1')]).when(cmd({ type: 'DecideClaim', claimId: 'CL1', approve: false, reasonNote: null }, 'head-sb1')).thenRefuses('UNKNOWN_CLAIM');
  });

  it('asks who could ever decide a claim before looking the claim up: a role that never decides, or a unit with nothing below it, is refused (403) whether or not the claim exists', () => {
    const byHeadOfSb2 = (claimId: string) => ({ ...base, by: { userId: 'head-sb2', unitId: 'SB2', role: 'branch_head' as const }, type: 'DecideClaim', claimId, approve: true }) as unknown as CustomerCommand;
    // No claim at all: the admin and a relationship manager are refused for their role, not told there is no claim.
    given([]).when(cmd({ type: 'DecideClaim', claimId: 'CL-NONE', approve: true }, 'admin')).thenRefuses('ROLE_NOT_ALLOWED');
    given([]).when(cmd({ type: 'DecideClaim', claimId: 'CL-NONE', approve: true }, 'rm1')).thenRefuses('ROLE_NOT_ALLOWED');
    // SB2 has nothing below it: its head never decides a claim, whichever exists.
    given([]).when(byHeadOfSb2('CL-NONE')).thenRefuses('NOT_SUPERIOR_UNIT', { actorUnitId: 'SB2' });
    given([filedBy('rm1', 'SB1')]).when(byHeadOfSb2('CL-OTHER')).thenRefuses('NOT_SUPERIOR_UNIT', { actorUnitId: 'SB2' });
    // BR1 decides claims from below it: for it, a claim that does not exist is unknown.
    given([]).when(cmd({ type: 'DecideClaim', claimId: 'CL-NONE', approve: true }, 'head-br1')).thenRefuses('UNKNOWN_CLAIM');
  });

  it('tells a unit that does not decide the claim nothing of whether it waits: the same refusal, with the same details, as for no claim at all', () => {
    // BR2 has SB2 below it, so its head passes the "units below" check; rm1's claim (SB1) is BR1's to decide.
    const byHeadOfBr2 = (claimId: string) => ({ ...base, by: { userId: 'head-br2', unitId: 'BR2', role: 'branch_head' as const }, type: 'DecideClaim', claimId, approve: true }) as unknown as CustomerCommand;
    const refusal = (history: CustomerEvent[]) => {
      try {
        customerDecider.decide(byHeadOfBr2('CL1'), history.reduce(customerDecider.evolve, customerDecider.initialState()));
        return 'accepted';
      } catch (e) {
        const { code, details } = e as { code: string; details?: unknown };
        return { code, details };
      }
    };
    expect(refusal([filedBy('rm1', 'SB1')])).toEqual({ code: 'UNKNOWN_CLAIM', details: { claimId: 'CL1' } });
    expect(refusal([])).toEqual({ code: 'UNKNOWN_CLAIM', details: { claimId: 'CL1' } });
    // Head office (appr-ho) is not BR1 either: above the deciding unit is not it.
    given([filedBy('rm1', 'SB1')]).when(decide('appr-ho')).thenRefuses('UNKNOWN_CLAIM', { claimId: 'CL1' });
  });

  it('leaves a rejected claim\'s customer out of the system, and lets a new claim be filed', () => {
    const rejected: CustomerEvent = { type: 'CustomerClaimRejected', data: { customerId: 'C1', claimId: 'CL1', rejectedBy: 'head-br1', reasonNote: 'claim:CL1:rejection' } };
    given([filedBy('rm1', 'SB1')]).when(decide('head-br1', false)).then([rejected]);
    given([filedBy('rm1', 'SB1'), rejected]).when(cmd({ type: 'AssessRisk', tolerance: 'R3' }, 'head-br1')).thenRefuses('UNKNOWN_CUSTOMER');
    given([filedBy('rm1', 'SB1'), rejected]).when(fileClaim('rm1', { claimId: 'CL2' })).thenMatches([{ type: 'CustomerClaimFiled', data: { claimId: 'CL2' } }]);
  });

  it('keeps one claim waiting at a time, and no onboarding over it', () => {
    given([filedBy('rm1', 'SB1')]).when(fileClaim('rm2', { claimId: 'CL2' })).thenRefuses('CLAIM_PENDING');
    given([filedBy('rm1', 'SB1')]).when(cmd({ type: 'OnboardCustomer', ...facts }, 'head-sb1')).thenRefuses('CLAIM_PENDING');
  });

  it('tells someone outside the customer\'s unit nothing of a waiting claim: the scope refusal comes first', () => {
    // rm3 works in SB2 (BR2); the claim and the customer are SB1's.
    given([filedBy('rm1', 'SB1')]).when(fileClaim('rm3', { claimId: 'CL2' })).thenRefuses('STAFF_NOT_IN_UNIT');
    given([filedBy('rm1', 'SB1')]).when(cmd({ type: 'OnboardCustomer', ...facts }, 'rm3')).thenRefuses('OUTSIDE_SCOPE');
  });

  it('still decides a claim filed under the old rule on a customer already onboarded (stored histories): assignment only', () => {
    const legacy = { type: 'CustomerClaimFiled', data: { customerId: 'C1', claimId: 'CL1', staffId: 'rm1', unitId: 'SB1' } } as CustomerEvent;
    given([onboarded, legacy])
      .when(decide('head-br1'))
      .then([{ type: 'CustomerClaimApproved', data: { customerId: 'C1', claimId: 'CL1', approvedBy: 'head-br1' } }, assignedTo('rm1')]);
  });

  it('leaves a customer already in the system to their sub-branch: a head assigns them a manager', () => {
    given([onboarded]).when(cmd({ type: 'AssignManager', staffId: 'rm1' }, 'head-sb1')).then([assignedTo('rm1')]);
  });
});
