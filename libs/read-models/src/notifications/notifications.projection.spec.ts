import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { notificationsProjection } from './notifications.projection';

/** Events of one command share its correlation (the request); here each event's correlation is its business time, one command each. */
const event = (eventId: string, type: string, data: Record<string, unknown>, occurredAt: string, actor: string) => ({ type, data, metadata: { eventId, actor, occurredAt, correlationId: `req@${occurredAt}` } }) as unknown as RecordedEvent;
const transferred = (eventId: string, data: { customerId: string; fromUnitId: string; toUnitId: string; fromStaffId: string | null; toStaffId: string; crossBranch: boolean }, occurredAt: string, actor: string) =>
  event(eventId, 'CustomerTransferred', data, occurredAt, actor);
const assigned = (eventId: string, customerId: string, staffId: string, previousStaffId: string | null, unitId: string, occurredAt: string, actor: string) =>
  event(eventId, 'CustomerAssignedToManager', { customerId, staffId, previousStaffId, unitId }, occurredAt, actor);
/** When these events (in log order) are folded as one batch: the rows it will insert. */
const when = (events: RecordedEvent[]) =>
  foldEffects(notificationsProjection.definition, events, { transferred: new Set<string>() })
    .rows('nt_notifications')
    .map((r) => r.insert);

describe('transfer notifications as effects (004 篇九 第九条: the previous and the new manager are told)', () => {
  it('given a customer transferred twice in one batch (across branches by head office, then inside the branch), notifies each manager of each transfer, the middle one twice', () => {
    const rows = when([
      transferred('e1', { customerId: 'C1', fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: 'rm1', toStaffId: 'rm3', crossBranch: true }, '2026-03-10T02:00:00.000Z', 'appr-ho'),
      assigned('e2', 'C1', 'rm3', 'rm1', 'SB2', '2026-03-10T02:00:00.000Z', 'appr-ho'),
      transferred('e3', { customerId: 'C1', fromUnitId: 'SB2', toUnitId: 'SB2', fromStaffId: 'rm3', toStaffId: 'rm4', crossBranch: false }, '2026-03-12T06:00:00.000Z', 'head-br2'),
      assigned('e4', 'C1', 'rm4', 'rm3', 'SB2', '2026-03-12T06:00:00.000Z', 'head-br2'),
    ]);
    // e1: rm1 loses C1, rm3 gains them (head office decided); e3: rm3 loses them again, rm4 gains them (BR2's head decided).
    // The assignments that follow each transfer notify nobody a second time.
    expect(rows.map((r) => [r!.staff_id, r!.notification_id, r!.role, r!.from_staff_id, r!.to_staff_id, r!.from_unit_id, r!.to_unit_id, r!.cross_branch, r!.decided_by])).toEqual([
      ['rm1', 'e1', 'previous_manager', 'rm1', 'rm3', 'SB1', 'SB2', true, 'appr-ho'],
      ['rm3', 'e1', 'new_manager', 'rm1', 'rm3', 'SB1', 'SB2', true, 'appr-ho'],
      ['rm3', 'e3', 'previous_manager', 'rm3', 'rm4', 'SB2', 'SB2', false, 'head-br2'],
      ['rm4', 'e3', 'new_manager', 'rm3', 'rm4', 'SB2', 'SB2', false, 'head-br2'],
    ]);
  });

  it('given the same transfer folded twice (a batch applied again), keeps one row per manager', () => {
    const e = transferred('e1', { customerId: 'C1', fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: 'rm1', toStaffId: 'rm3', crossBranch: true }, '2026-03-10T02:00:00.000Z', 'appr-ho');
    expect(when([e, e]).map((r) => [r!.staff_id, r!.notification_id])).toEqual([
      ['rm1', 'e1'],
      ['rm3', 'e1'],
    ]);
  });

  it('given transfers either side of midnight in Beijing, dates each on the bank\'s day, not the UTC date', () => {
    const rows = when([
      // 23:59:59 Beijing on 30 April (15:59:59 UTC): still 30 April.
      transferred('late', { customerId: 'C2', fromUnitId: 'SB1', toUnitId: 'SB1', fromStaffId: 'rm1', toStaffId: 'rm2', crossBranch: false }, '2026-04-30T15:59:59.000Z', 'head-br1'),
      // 00:30 Beijing on 1 May is 16:30 UTC on 30 April: the bank's 1 May.
      transferred('early', { customerId: 'C3', fromUnitId: 'SB1', toUnitId: 'SB1', fromStaffId: 'rm2', toStaffId: 'rm1', crossBranch: false }, '2026-04-30T16:30:00.000Z', 'head-br1'),
    ]);
    expect(rows.map((r) => [r!.staff_id, r!.customer_id, r!.occurred_at, r!.bank_day])).toEqual([
      ['rm1', 'C2', '2026-04-30T15:59:59.000Z', '2026-04-30'],
      ['rm2', 'C2', '2026-04-30T15:59:59.000Z', '2026-04-30'],
      ['rm2', 'C3', '2026-04-30T16:30:00.000Z', '2026-05-01'],
      ['rm1', 'C3', '2026-04-30T16:30:00.000Z', '2026-05-01'],
    ]);
  });

  it('given a customer without a previous manager transferred, notifies the new manager only', () => {
    const rows = when([transferred('e9', { customerId: 'C4', fromUnitId: 'SB1', toUnitId: 'SB2', fromStaffId: null, toStaffId: 'rm3', crossBranch: true }, '2026-03-20T01:00:00.000Z', 'appr-ho')]);
    expect(rows.map((r) => [r!.staff_id, r!.role, r!.from_staff_id, r!.from_unit_id])).toEqual([['rm3', 'new_manager', null, 'SB1']]);
  });

  it('given a head reassigning a managed customer (POST customers/:id/manager, no transfer), tells the previous and the new manager (DOMAIN.md: both are notified)', () => {
    const rows = when([
      assigned('a1', 'C5', 'rm1', null, 'SB1', '2026-03-09T02:00:00.000Z', 'head-br1'),
      assigned('a2', 'C5', 'rm2', 'rm1', 'SB1', '2026-03-10T02:00:00.000Z', 'head-br1'),
      // the same manager again changes nothing and tells no one
      assigned('a3', 'C5', 'rm2', 'rm2', 'SB1', '2026-03-11T02:00:00.000Z', 'head-br1'),
    ]);
    // a1 is a first assignment: no one lost the customer, and it is not a change of manager.
    expect(rows.map((r) => [r!.staff_id, r!.notification_id, r!.kind, r!.role, r!.from_staff_id, r!.to_staff_id, r!.from_unit_id, r!.to_unit_id, r!.cross_branch, r!.decided_by])).toEqual([
      ['rm1', 'a2', 'manager_reassigned', 'previous_manager', 'rm1', 'rm2', 'SB1', 'SB1', false, 'head-br1'],
      ['rm2', 'a2', 'manager_reassigned', 'new_manager', 'rm1', 'rm2', 'SB1', 'SB1', false, 'head-br1'],
    ]);
  });

  it('given a reassignment in another command than a transfer of the same customer to the same manager, tells them of both', () => {
    const rows = when([
      transferred('e1', { customerId: 'C6', fromUnitId: 'SB1', toUnitId: 'SB1', fromStaffId: 'rm1', toStaffId: 'rm2', crossBranch: false }, '2026-03-10T02:00:00.000Z', 'head-br1'),
      assigned('e2', 'C6', 'rm2', 'rm1', 'SB1', '2026-03-10T02:00:00.000Z', 'head-br1'),
      assigned('e3', 'C6', 'rm1', 'rm2', 'SB1', '2026-03-11T02:00:00.000Z', 'head-br1'),
      assigned('e4', 'C6', 'rm2', 'rm1', 'SB1', '2026-03-12T02:00:00.000Z', 'head-br1'),
    ]);
    expect(rows.map((r) => [r!.notification_id, r!.staff_id])).toEqual([
      ['e1', 'rm1'],
      ['e1', 'rm2'],
      ['e3', 'rm2'],
      ['e3', 'rm1'],
      ['e4', 'rm1'],
      ['e4', 'rm2'],
    ]);
  });
});
