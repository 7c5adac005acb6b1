import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { emptyScorecardState, type ScorecardState } from './staff-scorecard.state';
import { coverage, monthsAfter } from './staff-scorecard.adherence';

let seq = 0;
const event = (type: string, data: Record<string, unknown>, occurredAt: string): RecordedEvent =>
  ({ type, data, metadata: { eventId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, occurredAt }, position: { commit: 1n, prepare: BigInt(seq) } }) as unknown as RecordedEvent;

/** Given these events (in log order), when the scorecard's effects are folded, the rows of `table` it will write. */
const when = (events: RecordedEvent[], table: string, state: ScorecardState = emptyScorecardState()) =>
  foldEffects(staffScorecardProjection.definition, events, state)
    .rows(table)
    .map((r) => r.insert ?? { ...r.key, ...r.change });

// Beijing is UTC+8: 23:30 on 31 March is 15:30Z; 00:30 on 1 April is 16:30Z the same UTC day.
const LAST_OF_MARCH = '2026-03-31T15:30:00.000Z';
const FIRST_OF_APRIL = '2026-03-31T16:30:00.000Z';
const QUARTER_TO_ONE_ON_1_APRIL = '2026-03-31T16:45:00.000Z';

const staff = (staffId: string, unitId: string) => event('StaffMemberRegistered', { staffId, unitId, role: 'relationship_manager', displayName: staffId }, '2026-01-01T00:00:00.000Z');
const customer = (customerId: string) => event('CustomerOnboarded', { customerId, homeUnitId: 'SB1' }, '2026-01-02T00:00:00.000Z');
const assign = (customerId: string, staffId: string, occurredAt: string) => event('CustomerAssignedToManager', { customerId, staffId }, occurredAt);
const contact = (contactId: string, customerId: string, staffId: string, occurredAt: string) => event('CustomerContacted', { contactId, customerId, staffId, channel: 'phone', campaignId: null }, occurredAt);
const sale = (conversionId: string, customerId: string, occurredAt: string) =>
  event('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: '100.00', revenue: '10.00', campaignId: null, referrerStaffId: null, referralId: null }, occurredAt);

describe('maintenance adherence and customers contacted as counters', () => {
  it('given a manager who moves mid-month, counts each unit’s customers contacted there and the month’s adherence once for the person', () => {
    const events = [
      staff('rm1', 'SB1'),
      customer('C1'),
      customer('C2'),
      event('ProductDefined', { productCode: 'DEP', weight: '1' }, '2026-01-01T00:00:00.000Z'),
      assign('C1', 'rm1', '2026-01-02T00:00:00.000Z'), // 08:00 Beijing 2 January
      contact('T1', 'C1', 'rm1', '2026-03-10T02:00:00.000Z'), // 10 March, in SB1
      sale('V1', 'C1', '2026-03-10T03:00:00.000Z'),
      event('StaffMemberMoved', { staffId: 'rm1', toUnitId: 'SB3' }, '2026-03-15T02:00:00.000Z'),
      contact('T2', 'C1', 'rm1', '2026-03-20T02:00:00.000Z'), // C1 again, now from SB3
      contact('T3', 'C1', 'rm1', LAST_OF_MARCH),
      contact('T4', 'C2', 'rm1', LAST_OF_MARCH), // C2 is nobody's customer
      sale('V2', 'C1', LAST_OF_MARCH),
      sale('V3', 'C1', FIRST_OF_APRIL),
    ];
    // SB1: T1 → 1 contact, 1 customer, V1. SB3 in March: T2, T3 (C1), T4 (C2) → 3 contacts, 2 customers, V2. April: V3 only.
    expect(when(events, 'sc_person_month').map(({ period, unit_id, contacts, customers_contacted, conversions }) => ({ period, unit_id, contacts, customers_contacted, conversions }))).toEqual([
      { period: '2026-03', unit_id: 'SB1', contacts: 1, customers_contacted: 1, conversions: 1 },
      { period: '2026-03', unit_id: 'SB3', contacts: 3, customers_contacted: 2, conversions: 1 },
      { period: '2026-04', unit_id: 'SB3', contacts: undefined, customers_contacted: undefined, conversions: 1 },
    ]);
    // C1 assigned to rm1 from January: 1 assigned in January, February (carried when March's contact moved the horizon) and
    // March, where C1 was contacted (three times, counted once). C2 was assigned to nobody: no one's adherence.
    expect(when(events, 'sc_staff_month')).toEqual([
      { period: '2026-01', staff_id: 'rm1', assigned: 1, assigned_contacted: 0 },
      { period: '2026-02', staff_id: 'rm1', assigned: 1, assigned_contacted: 0 },
      { period: '2026-03', staff_id: 'rm1', assigned: 1, assigned_contacted: 1 },
    ]);
  });

  it('given a transfer at 00:30 Beijing on 1 April, counts the customer for the old manager in March and April and for the new one in April only', () => {
    const events = [
      staff('rm1', 'SB1'),
      staff('rm2', 'SB1'),
      customer('C1'),
      assign('C1', 'rm1', '2026-01-02T00:00:00.000Z'),
      contact('T1', 'C1', 'rm2', LAST_OF_MARCH), // 23:30 on 31 March: March, while rm1 has C1
      assign('C1', 'rm2', FIRST_OF_APRIL),
      contact('T2', 'C1', 'rm2', QUARTER_TO_ONE_ON_1_APRIL),
    ];
    // rm1 had C1 from 2 January until 00:30 on 1 April: January to April (half an hour of April counts: "at any time in the month").
    // rm2 from 00:30 on 1 April: April only. Contacted in March (T1) and April (T2), whoever contacted them.
    expect(when(events, 'sc_staff_month')).toEqual([
      { period: '2026-01', staff_id: 'rm1', assigned: 1, assigned_contacted: 0 },
      { period: '2026-02', staff_id: 'rm1', assigned: 1, assigned_contacted: 0 },
      { period: '2026-03', staff_id: 'rm1', assigned: 1, assigned_contacted: 1 },
      { period: '2026-04', staff_id: 'rm1', assigned: 1, assigned_contacted: 1 },
      { period: '2026-04', staff_id: 'rm2', assigned: 1, assigned_contacted: 1 },
    ]);
    // Assigned now: rm1 +1 − 1 = 0, rm2 1; the horizon is April.
    expect(when(events, 'sc_open_assignments')).toEqual([
      { staff_id: 'rm1', customers: 0 },
      { staff_id: 'rm2', customers: 1 },
    ]);
    expect(when(events, 'sc_horizon')).toEqual([{ id: 1, period: '2026-04' }]);
  });

  it('given a backdated assignment recorded after a later one, the later recorded supersedes: it holds from its start and now', () => {
    const events = [staff('rm1', 'SB1'), staff('rm2', 'SB1'), customer('C1'), assign('C1', 'rm1', '2026-03-10T02:00:00.000Z'), assign('C1', 'rm2', '2026-02-05T02:00:00.000Z')];
    // The write side's rule (the customer aggregate: the last recorded assignment is the manager, as access and the call
    // list see it): rm2 (recorded second) holds from 5 February on, now included; rm1's from 10 March is superseded from
    // its start and covers nothing ([10 March, 10 March)).
    expect(when(events, 'sc_assignments').map(({ manager_id, valid_from, valid_to }) => ({ manager_id, valid_from, valid_to }))).toEqual([
      { manager_id: 'rm1', valid_from: '2026-03-10T02:00:00.000Z', valid_to: '2026-03-10T02:00:00.000Z' },
      { manager_id: 'rm2', valid_from: '2026-02-05T02:00:00.000Z', valid_to: null },
    ]);
    // rm1: March (the horizon) +1, then −1 once superseded. rm2 from 5 February: February and March.
    expect(when(events, 'sc_staff_month')).toEqual([
      { period: '2026-03', staff_id: 'rm1', assigned: 0, assigned_contacted: 0 },
      { period: '2026-02', staff_id: 'rm2', assigned: 1, assigned_contacted: 0 },
      { period: '2026-03', staff_id: 'rm2', assigned: 1, assigned_contacted: 0 },
    ]);
    // Who has C1 now: rm2, the last recorded (rm1 +1 − 1).
    expect(when(events, 'sc_open_assignments')).toEqual([
      { staff_id: 'rm1', customers: 0 },
      { staff_id: 'rm2', customers: 1 },
    ]);
  });

  it('given the same assignments and moves applied again (a batch applied twice), writes nothing more', () => {
    const events = [
      staff('rm1', 'SB1'),
      staff('rm2', 'SB1'),
      customer('C1'),
      assign('C1', 'rm1', '2026-03-10T02:00:00.000Z'),
      assign('C1', 'rm2', '2026-02-05T02:00:00.000Z'),
      event('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB3' }, '2026-03-20T02:00:00.000Z'),
      event('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB2' }, '2026-03-12T02:00:00.000Z'),
    ];
    const state = emptyScorecardState();
    when(events, 'sc_assignments', state);
    // The state now holds what the tables hold after the first apply: each event is known by its id.
    for (const table of ['sc_assignments', 'sc_open_assignments', 'sc_staff_month', 'sc_staff_units', 'sc_staff']) expect({ table, rows: when(events, table, state) }).toEqual({ table, rows: [] });
  });

  it('given a later batch, carries the customers assigned then into the months the horizon passes, and none into months it has passed', () => {
    // What an earlier batch left: rm1 has 40 customers now, rm2 3; the horizon is February.
    const state = emptyScorecardState();
    state.horizon = '2026-02';
    state.openCounts.set('rm1', 40).set('rm2', 3);
    const events = [staff('rm1', 'SB1'), customer('C9'), contact('T1', 'C9', 'rm1', '2026-02-20T02:00:00.000Z'), contact('T2', 'C9', 'rm1', '2026-04-01T02:00:00.000Z')];
    // February is at the horizon: nothing carried. April's contact passes March and April: 40 and 3 in each. C9 is nobody's.
    expect(when(events, 'sc_staff_month', state)).toEqual([
      { period: '2026-03', staff_id: 'rm1', assigned: 40, assigned_contacted: 0 },
      { period: '2026-04', staff_id: 'rm1', assigned: 40, assigned_contacted: 0 },
      { period: '2026-03', staff_id: 'rm2', assigned: 3, assigned_contacted: 0 },
      { period: '2026-04', staff_id: 'rm2', assigned: 3, assigned_contacted: 0 },
    ]);
  });

  it('cuts an assignment’s months in the bank’s zone, up to the horizon', () => {
    const a = { eventId: 'a', seq: 1n, managerId: 'rm1', from: Date.parse(LAST_OF_MARCH), to: Date.parse(FIRST_OF_APRIL) };
    const b = { eventId: 'b', seq: 2n, managerId: 'rm2', from: Date.parse(FIRST_OF_APRIL), to: null };
    // a: 23:30 to 00:30 Beijing, March and April; b from 00:30 on 1 April, open: April to the horizon, June.
    expect(coverage([a, b], '2026-06')).toEqual(new Map([['rm1', new Set(['2026-03', '2026-04'])], ['rm2', new Set(['2026-04', '2026-05', '2026-06'])]]));
    // Ended exactly at 00:00 Beijing on 1 April (16:00Z): not in April.
    expect(coverage([{ ...a, to: Date.parse('2026-03-31T16:00:00.000Z') }], '2026-06')).toEqual(new Map([['rm1', new Set(['2026-03'])]]));
    expect(coverage([b], null)).toEqual(new Map());
    expect(monthsAfter('2026-11', '2027-02')).toEqual(['2026-12', '2027-01', '2027-02']);
    expect(monthsAfter('2026-11', '2026-11')).toEqual([]);
  });
});
