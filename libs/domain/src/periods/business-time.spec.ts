import { fold } from '../decider';
import { customerDecider } from '../customer/customer.decider';
import type { CustomerCommand } from '../customer/customer.commands';
import type { CustomerEvent } from '../customer/customer.events';
import { organisationDecider } from '../organisation/organisation.decider';
import { ORG, ORG_EVENTS, actor, product } from '../testing/fixtures';
import { spec } from '../testing/specification';

/**
 * Nobody bends the figures that set pay (issue 16, item 7). Months are the bank's (Asia/Shanghai):
 * 2026-03-31T16:00:00Z is already 2026-04-01 00:00 in Beijing, so it falls in April.
 */
const closedMarch = fold(organisationDecider, [...ORG_EVENTS, { type: 'BusinessMonthClosed', data: { month: '2026-03', closedBy: 'admin' } }]);
const onboarded: CustomerEvent = { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } };
const assessed: CustomerEvent = { type: 'RiskProfileAssessed', data: { customerId: 'C1', tolerance: 'R3', assessedAt: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' } };
const sale = (at: string, over: Record<string, unknown> = {}) =>
  ({
    type: 'RecordConversion',
    customerId: 'C1',
    org: closedMarch,
    by: actor('rm1'),
    at,
    controlGroupsInForce: [],
    conversionId: 'V1',
    staffId: 'rm1',
    product: product('GOLD'),
    amount: '1000',
    revenue: '10',
    campaign: null,
    referrerStaffId: null,
    referralId: null,
    ...over,
  }) as unknown as CustomerCommand;
const given = (history: CustomerEvent[]) => spec(customerDecider).given(history);

describe('business time: closed months and the grace for dating back', () => {
  it('refuses a sale dated in a closed month (PERIOD_CLOSED), cut in the bank\'s calendar', () => {
    // 15:59 UTC on 31 March is 23:59 in Beijing: still March.
    given([onboarded, assessed]).when(sale('2026-03-31T15:59:00.000Z', { recordedAt: '2026-04-01T02:00:00.000Z', graceDays: 3 })).thenRefuses('PERIOD_CLOSED', { month: '2026-03' });
    // 16:00 UTC on 31 March is midnight in Beijing: April, open.
    given([onboarded, assessed]).when(sale('2026-03-31T16:00:00.000Z', { recordedAt: '2026-04-01T02:00:00.000Z', graceDays: 3 })).thenMatches([{ type: 'ConversionRecorded' }]);
  });

  it('refuses a branch head too, and lets an admin record a correction in a closed month only with its reason', () => {
    given([onboarded, assessed]).when(sale('2026-03-10T02:00:00.000Z', { by: actor('head-sb1') })).thenRefuses('PERIOD_CLOSED');
    given([onboarded, assessed]).when(sale('2026-03-10T02:00:00.000Z', { by: actor('admin') })).thenRefuses('PERIOD_CLOSED');
    given([onboarded, assessed]).when(sale('2026-03-10T02:00:00.000Z', { by: actor('admin'), correction: 'sale keyed late by the branch' })).thenMatches([{ type: 'ConversionRecorded' }]);
  });

  it('lets staff date a fact back by the grace at most (3 days here), to the millisecond', () => {
    const recordedAt = '2026-04-20T10:00:00.000Z';
    // 3 days before 2026-04-20T10:00Z is 2026-04-17T10:00Z: allowed; a millisecond earlier is not.
    given([onboarded, assessed]).when(sale('2026-04-17T10:00:00.000Z', { recordedAt, graceDays: 3 })).thenMatches([{ type: 'ConversionRecorded' }]);
    given([onboarded, assessed]).when(sale('2026-04-17T09:59:59.999Z', { recordedAt, graceDays: 3 })).thenRefuses('BACKDATED_TOO_FAR', { graceDays: 3 });
    // Two months back, and 2001: refused whether or not the month is closed.
    given([onboarded, assessed]).when(sale('2026-02-20T10:00:00.000Z', { org: ORG, recordedAt, graceDays: 3 })).thenRefuses('BACKDATED_TOO_FAR');
    given([onboarded, assessed]).when(sale('2001-04-20T10:00:00.000Z', { org: ORG, recordedAt, graceDays: 3 })).thenRefuses('BACKDATED_TOO_FAR');
    // An admin (the feeds) is not held to the grace in an open month.
    given([onboarded, assessed]).when(sale('2026-02-20T10:00:00.000Z', { org: ORG, by: actor('admin'), recordedAt, graceDays: 3 })).thenMatches([{ type: 'ConversionRecorded' }]);
  });

  it('never lets a complaint\'s answer predate the complaint (it would clear the late flag)', () => {
    const complaint = { type: 'ComplaintRecorded', data: { complaintId: 'Q1', customerId: 'C1', category: 'too_many_calls', contactId: null, staffId: null, campaignId: null, answerDueBy: '2026-04-25T10:00:00.000Z' }, metadata: { occurredAt: '2026-04-10T10:00:00.000Z' } } as unknown as CustomerEvent;
    const answer = (at: string) => ({ type: 'AnswerComplaint', customerId: 'C1', org: ORG, by: actor('rm1'), at, controlGroupsInForce: [], complaintId: 'Q1' }) as unknown as CustomerCommand;
    given([onboarded, complaint]).when(answer('2026-04-10T09:59:59.999Z')).thenRefuses('ANSWER_BEFORE_COMPLAINT', { complainedAt: '2026-04-10T10:00:00.000Z' });
    given([onboarded, complaint]).when(answer('2026-04-10T10:00:00.000Z')).then([{ type: 'ComplaintAnswered', data: { complaintId: 'Q1', customerId: 'C1', answeredBy: 'rm1', late: false } }]);
  });
});

describe('closing a business month (organisation)', () => {
  const close = (by: string, month: string, at = '2026-04-02T01:00:00.000Z') => ({ type: 'CloseBusinessMonth', month, at, by: actor(by) }) as const;
  const org = (history = ORG_EVENTS) => spec(organisationDecider).given(history);

  it('lets head office close a month that is over, once', () => {
    org().when(close('admin', '2026-03')).then([{ type: 'BusinessMonthClosed', data: { month: '2026-03', closedBy: 'admin' } }]);
    org().when(close('appr-ho', '2026-03')).then([{ type: 'BusinessMonthClosed', data: { month: '2026-03', closedBy: 'appr-ho' } }]);
    org([...ORG_EVENTS, { type: 'BusinessMonthClosed', data: { month: '2026-03', closedBy: 'admin' } }]).when(close('admin', '2026-03')).then([]);
  });

  it('refuses a branch, a relationship manager, a month not over in Beijing, and a bad month', () => {
    org().when(close('head-br1', '2026-03')).thenRefuses('HEAD_OFFICE_ONLY');
    org().when(close('rm1', '2026-03')).thenRefuses('ROLE_NOT_ALLOWED');
    // 2026-03-31T16:30Z is 00:30 on 1 April in Beijing: March is over; at 15:30Z it is not.
    org().when(close('admin', '2026-03', '2026-03-31T15:30:00.000Z')).thenRefuses('MONTH_NOT_OVER');
    org().when(close('admin', '2026-03', '2026-03-31T16:30:00.000Z')).thenMatches([{ type: 'BusinessMonthClosed' }]);
    org().when(close('admin', '2026-13')).thenRefuses('INVALID_PERIOD');
  });
});
