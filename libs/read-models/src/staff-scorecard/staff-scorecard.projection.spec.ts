import { saleKey } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { inWealthCentre, staffScorecardProjection } from './staff-scorecard.projection';
import { unitAt } from './staff-scorecard.intervals';
import { emptyScorecardState, type ScorecardState } from './staff-scorecard.state';

let seq = 0;
const event = (type: string, data: Record<string, unknown>, occurredAt: string): RecordedEvent =>
  ({ type, data, metadata: { eventId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, occurredAt }, position: { commit: 1n, prepare: BigInt(seq) } }) as unknown as RecordedEvent;

/** Given these events (in log order), when the scorecard's effects are folded, the rows of `table` it will write. */
const when = (state: ScorecardState, events: RecordedEvent[], table: string) =>
  foldEffects(staffScorecardProjection.definition, events, state)
    .rows(table)
    .map((r) => r.insert ?? { ...r.key, ...r.change });

// 23:30 Beijing on 31 March (15:30Z) and 00:30 Beijing on 1 April (16:30Z): two months, one hour apart.
const LAST_OF_MARCH = '2026-03-31T15:30:00.000Z';
const FIRST_OF_APRIL = '2026-03-31T16:30:00.000Z';

/** rm1 in SB1, rm2 in SB2; customer C1 managed by rm1; the deposit weighs 1.5. */
const given = () => [
  event('StaffMemberRegistered', { staffId: 'rm1', unitId: 'SB1', role: 'rm', displayName: 'RM 1' }, '2026-01-01T00:00:00.000Z'),
  event('StaffMemberRegistered', { staffId: 'rm2', unitId: 'SB2', role: 'rm', displayName: 'RM 2' }, '2026-01-01T00:00:00.000Z'),
  event('ProductDefined', { productCode: 'DEP', weight: '1.5' }, '2026-01-01T00:00:00.000Z'),
  event('CustomerOnboarded', { customerId: 'C1', homeUnitId: 'SB1' }, '2026-01-02T00:00:00.000Z'),
  event('CustomerAssignedToManager', { customerId: 'C1', staffId: 'rm1' }, '2026-01-02T00:00:00.000Z'),
];
const sale = (conversionId: string, revenue: string, occurredAt: string, referrerStaffId: string | null = 'rm2') =>
  event('ConversionRecorded', { conversionId, customerId: 'C1', staffId: 'rm1', productCode: 'DEP', amount: revenue, revenue, campaignId: null, referrerStaffId, referralId: null }, occurredAt);

describe('the staff scorecard as effects', () => {
  it('given a referred sale at 23:30 Beijing on 31 March, credits the manager and the referrer in March, each in their unit then', () => {
    const rows = when(emptyScorecardState(), [...given(), sale('V1', '100.05', LAST_OF_MARCH)], 'sc_person_month');
    // 10,005 fen at a 50% referral share: the referrer 5,002.5 → 5,003 (half up), the owner 10,005 − 5,003 = 5,002.
    // Points at weight 1.5 in hundredths: 5,002 × 1.5 = 7,503; 5,003 × 1.5 = 7,504.5 → 7,505.
    expect(rows).toEqual([
      { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, referrals: 0, revenue_fen: 5002, points_hundredths: 7503, shadow_hundredths: 0 },
      { period: '2026-03', unit_id: 'SB2', staff_id: 'rm2', conversions: 0, referrals: 1, revenue_fen: 5003, points_hundredths: 7505, shadow_hundredths: 0 },
    ]);
  });

  it('given a referred sale at 23:30 Beijing on 31 March, a reversal and a complaint, adds the same figures to each unit month, and a contact none', () => {
    // (made in log order: an event is placed by what the log knew at its position)
    const events = [
      ...given(),
      sale('V1', '100.05', LAST_OF_MARCH),
      sale('V2', '10.00', FIRST_OF_APRIL, null),
      event('ConversionReversed', { customerId: 'C1', conversionId: 'V2' }, '2026-04-03T02:00:00.000Z'),
      event('ComplaintRecorded', { complaintId: 'K1', customerId: 'C1', category: 'other', descriptionNote: null, contactId: null, staffId: 'rm2', campaignId: null }, LAST_OF_MARCH),
      event('CustomerContacted', { contactId: 'T1', customerId: 'C1', staffId: 'rm1', channel: 'phone', campaignId: null }, LAST_OF_MARCH),
    ];
    // March: V1 as in the first case, rm1 in SB1 5,002 fen and 7,503 hundredths, rm2 in SB2 5,003 and 7,505 (a referral:
    // no conversion); rm2's complaint costs 200 points (20,000 hundredths) in SB2. April: V2 at SB1 (1 conversion, 1,000 fen,
    // 1,500 hundredths) reversed: all zero, still a row. rm1's contact adds to no unit figure: no further row.
    expect(when(emptyScorecardState(), events, 'sc_unit_month')).toEqual([
      { period: '2026-03', unit_id: 'SB1', conversions: 1, revenue_fen: 5002, points_hundredths: 7503, shadow_hundredths: 0, penalty_hundredths: 0 },
      { period: '2026-03', unit_id: 'SB2', conversions: 0, revenue_fen: 5003, points_hundredths: 7505, shadow_hundredths: 0, penalty_hundredths: 20000 },
      { period: '2026-04', unit_id: 'SB1', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 0, penalty_hundredths: 0 },
    ]);
  });

  it('given the manager moves at 00:30 Beijing on 1 April, credits a sale before the move to the old unit and one after to the new', () => {
    const rows = when(
      emptyScorecardState(),
      [...given(), event('StaffMemberMoved', { staffId: 'rm1', toUnitId: 'SB3' }, FIRST_OF_APRIL), sale('V1', '10.00', LAST_OF_MARCH, null), sale('V2', '20.00', FIRST_OF_APRIL, null)],
      'sc_person_month',
    );
    // 1,000 fen × 1.5 = 1,500 hundredths in March at SB1; 2,000 × 1.5 = 3,000 in April at SB3.
    expect(rows).toEqual([
      expect.objectContaining({ period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, revenue_fen: 1000, points_hundredths: 1500 }),
      expect.objectContaining({ period: '2026-04', unit_id: 'SB3', staff_id: 'rm1', conversions: 1, revenue_fen: 2000, points_hundredths: 3000 }),
    ]);
  });

  it('given a sale reversed twice in the batch, takes its credit off once, from the month and unit it was added to', () => {
    const reversal = () => event('ConversionReversed', { customerId: 'C1', conversionId: 'V1' }, '2026-04-03T02:00:00.000Z');
    const state = emptyScorecardState();
    const rows = when(state, [...given(), sale('V1', '10.00', LAST_OF_MARCH, null), reversal(), reversal()], 'sc_person_month');
    // +1 conversion, +1,000 fen, +1,500 hundredths, then −1, −1,000, −1,500 once: all zero, still in March at SB1.
    expect(rows).toEqual([{ period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 0, referrals: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 0 }]);
    expect(state.credits.get(saleKey('C1', 'V1'))!.map((c) => c.reversed)).toEqual([true]);
  });

  describe('ids holding a colon (ids may hold _ . : -)', () => {
    const customers = () => ['A', 'A:X'].flatMap((customerId) => [
      event('CustomerOnboarded', { customerId, homeUnitId: 'SB1' }, '2026-01-02T00:00:00.000Z'),
      event('CustomerAssignedToManager', { customerId, staffId: 'rm1' }, '2026-01-02T00:00:00.000Z'),
    ]);
    const soldTo = (customerId: string, conversionId: string, revenue: string) =>
      event('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: revenue, revenue, campaignId: null, referrerStaffId: null, referralId: null }, '2026-03-20T02:00:00.000Z');
    const figures = (rows: Record<string, unknown>[]) => rows.map(({ period, staff_id, conversions, revenue_fen, points_hundredths }) => ({ period, staff_id, conversions, revenue_fen, points_hundredths }));

    it('given customer A sale X:1 and customer A:X sale 1, credits both, and reversing one leaves the other', () => {
      const sales = [...given(), ...customers(), soldTo('A', 'X:1', '10.00'), soldTo('A:X', '1', '20.00')];
      // Two sales to rm1 (the manager of both) in March: 1,000 + 2,000 = 3,000 fen, × 1.5 = 4,500 hundredths.
      expect(figures(when(emptyScorecardState(), sales, 'sc_person_month'))).toEqual([{ period: '2026-03', staff_id: 'rm1', conversions: 2, revenue_fen: 3000, points_hundredths: 4500 }]);
      const reversed = [...sales, event('ConversionReversed', { customerId: 'A', conversionId: 'X:1' }, '2026-03-21T02:00:00.000Z')];
      // A's X:1 taken off: 1 conversion, 2,000 fen, 3,000 hundredths (A:X's 1 stands).
      expect(figures(when(emptyScorecardState(), reversed, 'sc_person_month'))).toEqual([{ period: '2026-03', staff_id: 'rm1', conversions: 1, revenue_fen: 2000, points_hundredths: 3000 }]);
      expect(when(emptyScorecardState(), reversed, 'sc_credits').map(({ customer_id, conversion_id, kind, reversed }) => ({ customer_id, conversion_id, kind, reversed: reversed ?? false }))).toEqual([
        { customer_id: 'A', conversion_id: 'X:1', kind: 'sale', reversed: true },
        { customer_id: 'A:X', conversion_id: '1', kind: 'sale', reversed: false },
      ]);
    });

    it('given customer A contact X:1 and customer A:X contact 1, counts both', () => {
      const contact = (customerId: string, contactId: string) => event('CustomerContacted', { contactId, customerId, staffId: 'rm1', channel: 'phone', campaignId: null }, '2026-03-20T02:00:00.000Z');
      const rows = when(emptyScorecardState(), [...given(), ...customers(), contact('A', 'X:1'), contact('A:X', '1')], 'sc_person_month');
      // Two contacts, two customers contacted, by rm1 in SB1 in March.
      expect(rows.map(({ period, unit_id, staff_id, contacts, customers_contacted }) => ({ period, unit_id, staff_id, contacts, customers_contacted }))).toEqual([
        { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', contacts: 2, customers_contacted: 2 },
      ]);
    });
  });

  it('given a contact seen twice and complaints under rules set in between, counts the contact once and each complaint at the penalty then in force', () => {
    const contact = () => event('CustomerContacted', { contactId: 'T1', customerId: 'C1', staffId: 'rm2', channel: 'phone', campaignId: null }, LAST_OF_MARCH);
    const complaint = (complaintId: string, staffId: string | null) => event('ComplaintRecorded', { complaintId, customerId: 'C1', staffId, category: 'service' }, LAST_OF_MARCH);
    const rows = when(
      emptyScorecardState(),
      [...given(), contact(), contact(), complaint('Q1', 'rm2'), event('ScoringRulesSet', { rules: { referralShare: 0.5, complaintPenalty: 1.5, unsuitablePenalty: 5 } }, LAST_OF_MARCH), complaint('Q2', 'rm2'), complaint('Q3', null)],
      'sc_person_month',
    );
    // Penalties in hundredths: 200 points by default → 20,000; then 1.5 → 150. Q3 names nobody: no one's score. One customer contacted.
    expect(rows).toEqual([{ period: '2026-03', unit_id: 'SB2', staff_id: 'rm2', contacts: 2 - 1, customers_contacted: 1, complaints: 2, unsuitable: 0, penalty_hundredths: 20_000 + 150 }]);
  });

  it('places a fact by the intervals the log knew when it was recorded: a backdated move recorded after the sale does not move it', () => {
    const intervals = [
      { eventId: 'a', seq: 1n, unitId: 'SB1', validFrom: null },
      // Recorded at log position 9, effective from 1 March.
      { eventId: 'b', seq: 9n, unitId: 'SB3', validFrom: Date.parse('2026-03-01T00:00:00.000Z') },
    ];
    expect(unitAt(intervals, Date.parse(LAST_OF_MARCH), 5n)).toBe('SB1');
    expect(unitAt(intervals, Date.parse(LAST_OF_MARCH), 10n)).toBe('SB3');
    expect(unitAt(undefined, Date.parse(LAST_OF_MARCH), 10n)).toBe('');
  });

  describe('credit to the manager and unit at the sale (business time), whatever order the facts were recorded in', () => {
    // Beijing times as instants: 09:00 on 1 March, 09:00 on 10 April, 10:00 on 5 April.
    const MARCH_1 = '2026-03-01T01:00:00.000Z';
    const APRIL_10 = '2026-04-10T01:00:00.000Z';
    const APRIL_5 = '2026-04-05T02:00:00.000Z';
    const rm3 = () => event('StaffMemberRegistered', { staffId: 'rm3', unitId: 'SB3', role: 'rm', displayName: 'RM 3' }, '2026-01-01T00:00:00.000Z');
    const assign = (staffId: string, occurredAt: string) => event('CustomerAssignedToManager', { customerId: 'C1', staffId }, occurredAt);
    /** A sale to C1 made by rm3 (who manages nobody): whom it credits is the ownership rule's choice, not the seller. */
    const sold = (conversionId: string, revenue: string, occurredAt: string) =>
      event('ConversionRecorded', { conversionId, customerId: 'C1', staffId: 'rm3', productCode: 'DEP', amount: revenue, revenue, campaignId: null, referrerStaffId: null, referralId: null }, occurredAt);
    const credited = (rows: Record<string, unknown>[]) => rows.map(({ conversion_id, kind, staff_id, unit_id, period }) => ({ conversion_id, kind, staff_id, unit_id, period }));

    it('given C1 assigned to rm1 on 1 March and to rm2 on 10 April, credits a sale dated 5 April and recorded after both to rm1 and SB1 in April', () => {
      const events = [...given(), rm3(), assign('rm1', MARCH_1), assign('rm2', APRIL_10), sold('V1', '10.00', APRIL_5)];
      // 1,000 fen at weight 1.5: 1,500 hundredths, all to rm1 (C1's manager on 5 April), in rm1's unit then (SB1), April.
      expect(when(emptyScorecardState(), events, 'sc_person_month')).toEqual([
        { period: '2026-04', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, referrals: 0, revenue_fen: 1000, points_hundredths: 1500, shadow_hundredths: 0 },
      ]);
    });

    it('given a backdated assignment recorded after a later one, the later recorded supersedes and a sale after both starts credits it', () => {
      const events = [
        ...given(), // rm1 from 2 January
        rm3(),
        assign('rm2', APRIL_10),
        assign('rm3', '2026-03-31T17:00:00.000Z'), // 01:00 on 1 April, recorded after rm2's (10 April)
        sold('V1', '10.00', APRIL_5), // rm3's from 1 April
        sold('V2', '20.00', '2026-04-12T02:00:00.000Z'), // rm3's too: rm2's is superseded
        sold('V3', '30.00', '2026-03-20T02:00:00.000Z'), // rm1's [2 January, 1 April)
      ];
      // The write side's rule (the customer aggregate: the last recorded assignment is the manager, whom access and the call
      // list follow): rm3's, recorded last, holds from 01:00 on 1 April on, now included; rm1's is cut there; rm2's (from
      // 10 April, recorded before rm3's) is superseded from its start and covers nothing.
      expect(when(emptyScorecardState(), events, 'sc_assignments').map(({ manager_id, valid_from, valid_to }) => ({ manager_id, valid_from, valid_to }))).toEqual([
        { manager_id: 'rm1', valid_from: '2026-01-02T00:00:00.000Z', valid_to: '2026-03-31T17:00:00.000Z' },
        { manager_id: 'rm2', valid_from: APRIL_10, valid_to: APRIL_10 },
        { manager_id: 'rm3', valid_from: '2026-03-31T17:00:00.000Z', valid_to: null },
      ]);
      // V1 1,000 + V2 2,000 fen → rm3 in SB3, April (2 conversions, 3,000 × 1.5 = 4,500 hundredths); V3 3,000 → rm1 in SB1, March (4,500).
      expect(when(emptyScorecardState(), events, 'sc_person_month').map(({ period, unit_id, staff_id, conversions, revenue_fen, points_hundredths }) => ({ period, unit_id, staff_id, conversions, revenue_fen, points_hundredths }))).toEqual([
        { period: '2026-04', unit_id: 'SB3', staff_id: 'rm3', conversions: 2, revenue_fen: 3000, points_hundredths: 4500 },
        { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, revenue_fen: 3000, points_hundredths: 4500 },
      ]);
      // C1 is rm3's now (the last recorded): rm1 +1 − 1 (rm2 assigned), rm2 +1 − 1 (rm3 assigned), rm3 +1.
      expect(when(emptyScorecardState(), events, 'sc_open_assignments')).toEqual([
        { staff_id: 'rm1', customers: 0 },
        { staff_id: 'rm2', customers: 0 },
        { staff_id: 'rm3', customers: 1 },
      ]);
    });

    it('given a sale at 23:30 Beijing on 31 March recorded after a reassignment taking effect at 00:30 on 1 April, credits the old manager in March', () => {
      const events = [...given(), rm3(), assign('rm2', FIRST_OF_APRIL), sold('V1', '10.00', LAST_OF_MARCH)];
      expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([{ conversion_id: 'V1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' }]);
    });

    it('given several sales to one customer across a reassignment, credits each to the manager of its time, in its month', () => {
      const events = [
        ...given(), // rm1 from 2 January
        rm3(),
        sold('V1', '10.00', '2026-03-31T16:45:00.000Z'), // 00:45 on 1 April, recorded before the reassignment was
        assign('rm2', FIRST_OF_APRIL), // 00:30 on 1 April
        sold('V2', '20.00', LAST_OF_MARCH), // 23:30 on 31 March: rm1, March
        sold('V3', '40.00', '2026-03-31T16:45:00.000Z'), // 00:45 on 1 April: rm2, April
        sold('V4', '80.00', '2026-03-15T02:00:00.000Z'), // 15 March, recorded last: rm1, March
      ];
      // V1 is placed as the log knew it when it was recorded (rm1, April); a reassignment recorded later does not move a
      // credit already made, as a move recorded later does not move a fact's unit.
      expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
        { conversion_id: 'V1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-04' },
        { conversion_id: 'V2', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
        { conversion_id: 'V3', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-04' },
        { conversion_id: 'V4', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
      ]);
      // rm1 March: V2 + V4 = 2,000 + 8,000 fen, × 1.5 = 15,000 hundredths; rm1 April: V1 1,000 → 1,500; rm2 April: V3 4,000 → 6,000.
      expect(when(emptyScorecardState(), events, 'sc_person_month').map(({ period, unit_id, staff_id, conversions, revenue_fen, points_hundredths }) => ({ period, unit_id, staff_id, conversions, revenue_fen, points_hundredths }))).toEqual([
        { period: '2026-04', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, revenue_fen: 1000, points_hundredths: 1500 },
        { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 2, revenue_fen: 10000, points_hundredths: 15000 },
        { period: '2026-04', unit_id: 'SB2', staff_id: 'rm2', conversions: 1, revenue_fen: 4000, points_hundredths: 6000 },
      ]);
    });

    describe('shadow scoring (影子考核): the stay in a centre and the manager at the sale, in business time', () => {
      // C1 is rm1's from 2 January (rm1 in SB1). At 10:00 on 10 March C1 moves up to the wealth centre WC1, to rmW.
      const movedUp = () => [
        ...given(),
        rm3(),
        event('OrgUnitOpened', { unitId: 'WC1', parentId: 'BR1', name: 'WC1', level: 'sub_branch_1', wealthCentre: true }, '2026-01-01T00:00:00.000Z'),
        event('StaffMemberRegistered', { staffId: 'rmW', unitId: 'WC1', role: 'rm', displayName: 'RM W' }, '2026-01-01T00:00:00.000Z'),
        event('CustomerTransferred', { customerId: 'C1', fromUnitId: 'SB1', toUnitId: 'WC1', fromStaffId: 'rm1', toStaffId: 'rmW', crossBranch: false }, '2026-03-10T02:00:00.000Z'),
        assign('rmW', '2026-03-10T02:00:00.000Z'),
      ];
      const byPerson = (rows: Record<string, unknown>[]) =>
        rows.map(({ period, unit_id, staff_id, conversions, revenue_fen, points_hundredths, shadow_hundredths }) => ({ period, unit_id, staff_id, conversions, revenue_fen, points_hundredths, shadow_hundredths }));

      it('given a sale dated before the move up but recorded after it, credits the manager then and no shadow; one after it, the referrer and the centre', () => {
        const events = [...movedUp(), sold('V1', '100.00', '2026-03-05T02:00:00.000Z'), sold('V2', '100.00', '2026-03-15T02:00:00.000Z')];
        // V1 (5 March): C1 not yet in the centre, rm1 its manager: all 10,000 fen to rm1 (not rm1 twice, as sale and shadow).
        // V2 (15 March): in the centre under rmW: the sale to the referring manager rm1, the shadow to rmW in WC1.
        expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
          { conversion_id: 'V1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
          { conversion_id: 'V2', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
          { conversion_id: 'V2', kind: 'shadow', staff_id: 'rmW', unit_id: 'WC1', period: '2026-03' },
        ]);
        // rm1: 2 sales, 20,000 fen, × 1.5 = 30,000 hundredths. rmW: V2's 10,000 fen × 1.5 = 15,000 hundredths in shadow.
        expect(byPerson(when(emptyScorecardState(), events, 'sc_person_month'))).toEqual([
          { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 2, revenue_fen: 20000, points_hundredths: 30000, shadow_hundredths: 0 },
          { period: '2026-03', unit_id: 'WC1', staff_id: 'rmW', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 15000 },
        ]);
      });

      it('given a move out of the centre recorded before a sale dated inside the stay, the referrer keeps the sale and the centre its shadow', () => {
        const events = [
          ...movedUp(),
          event('CustomerTransferred', { customerId: 'C1', fromUnitId: 'WC1', toUnitId: 'SB2', fromStaffId: 'rmW', toStaffId: 'rm2', crossBranch: false }, '2026-03-20T02:00:00.000Z'),
          assign('rm2', '2026-03-20T02:00:00.000Z'),
          sold('V3', '100.00', '2026-03-18T02:00:00.000Z'), // dated in the stay [10 March, 20 March), rmW its manager then
          sold('V4', '100.00', '2026-03-25T02:00:00.000Z'), // out, rm2 its manager
        ];
        // V3 is dated in C1's stay in WC1 (10:00 on 10 March to 10:00 on 20 March): the sale to rm1, who moved C1 up
        // from SB1, in SB1; the shadow to rmW (C1's manager on 18 March) in WC1. V4: C1 in SB2 under rm2, no shadow.
        expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
          { conversion_id: 'V3', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
          { conversion_id: 'V3', kind: 'shadow', staff_id: 'rmW', unit_id: 'WC1', period: '2026-03' },
          { conversion_id: 'V4', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-03' },
        ]);
        // Each 10,000 fen × 1.5 = 15,000 hundredths: rm1's points, rmW's shadow, rm2's points.
        expect(byPerson(when(emptyScorecardState(), events, 'sc_person_month'))).toEqual([
          { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, revenue_fen: 10000, points_hundredths: 15000, shadow_hundredths: 0 },
          { period: '2026-03', unit_id: 'WC1', staff_id: 'rmW', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 15000 },
          { period: '2026-03', unit_id: 'SB2', staff_id: 'rm2', conversions: 1, revenue_fen: 10000, points_hundredths: 15000, shadow_hundredths: 0 },
        ]);
      });

      describe('from one centre to another, and a move up recorded late', () => {
        const centres = () => [
          event('OrgUnitOpened', { unitId: 'WC1', parentId: 'BR1', name: 'WC1', level: 'sub_branch_1', wealthCentre: true }, '2026-01-01T00:00:00.000Z'),
          event('OrgUnitOpened', { unitId: 'WC2', parentId: 'BR1', name: 'WC2', level: 'sub_branch_1', wealthCentre: true }, '2026-01-01T00:00:00.000Z'),
          event('StaffMemberRegistered', { staffId: 'rmW', unitId: 'WC1', role: 'rm', displayName: 'RM W' }, '2026-01-01T00:00:00.000Z'),
          event('StaffMemberRegistered', { staffId: 'rmV', unitId: 'WC2', role: 'rm', displayName: 'RM V' }, '2026-01-01T00:00:00.000Z'),
        ];
        const move = (customerId: string, fromUnitId: string, toUnitId: string, fromStaffId: string | null, toStaffId: string, occurredAt: string) => [
          event('CustomerTransferred', { customerId, fromUnitId, toUnitId, fromStaffId, toStaffId, crossBranch: false }, occurredAt),
          event('CustomerAssignedToManager', { customerId, staffId: toStaffId }, occurredAt),
        ];
        const soldTo = (customerId: string, conversionId: string, occurredAt: string) =>
          event('ConversionRecorded', { conversionId, customerId, staffId: 'rmV', productCode: 'DEP', amount: '100.00', revenue: '100.00', campaignId: null, referrerStaffId: null, referralId: null }, occurredAt);

        it('given a customer onboarded in centre WC1 and moved to WC2, a sale there is simply the centre manager: no sub-branch referred them, so WC1 is no referrer', () => {
          const events = [
            ...given(),
            ...centres(),
            event('CustomerOnboarded', { customerId: 'C9', homeUnitId: 'WC1' }, '2026-01-02T00:00:00.000Z'),
            event('CustomerAssignedToManager', { customerId: 'C9', staffId: 'rmW' }, '2026-01-02T00:00:00.000Z'),
            ...move('C9', 'WC1', 'WC2', 'rmW', 'rmV', '2026-02-28T16:30:00.000Z'), // 00:30 Beijing on 1 March
            soldTo('C9', 'S1', '2026-03-09T16:00:00.000Z'),
          ];
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([{ conversion_id: 'S1', kind: 'sale', staff_id: 'rmV', unit_id: 'WC2', period: '2026-03' }]);
        });

        it('given a customer moved up from SB1 by rm1 and then from WC1 to WC2, a sale in WC2 stays rm1s in SB1, the shadow to rmV in WC2', () => {
          const events = [
            ...given(),
            ...centres(),
            ...move('C1', 'SB1', 'WC1', 'rm1', 'rmW', '2026-01-31T16:30:00.000Z'), // 00:30 Beijing on 1 February
            ...move('C1', 'WC1', 'WC2', 'rmW', 'rmV', '2026-02-28T16:30:00.000Z'), // 00:30 Beijing on 1 March
            soldTo('C1', 'S1', '2026-02-28T15:30:00.000Z'), // 23:30 Beijing on 28 February: still in WC1, rmW its manager
            soldTo('C1', 'S2', '2026-03-09T16:00:00.000Z'),
          ];
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
            { conversion_id: 'S1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-02' },
            { conversion_id: 'S1', kind: 'shadow', staff_id: 'rmW', unit_id: 'WC1', period: '2026-02' },
            { conversion_id: 'S2', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
            { conversion_id: 'S2', kind: 'shadow', staff_id: 'rmV', unit_id: 'WC2', period: '2026-03' },
          ]);
        });

        it('given a move up recorded late and dated before a reassignment recorded earlier, the referrer is the manager at the move by business time (rm1), not the manager when it was recorded (rm2)', () => {
          // rm1 manages C1 from 2 January; rm2 from 10 March (recorded first); the move up to WC1, recorded later, is dated 8 March.
          const events = [
            ...given(),
            ...centres(),
            assign('rm2', '2026-03-10T02:00:00.000Z'),
            ...move('C1', 'SB1', 'WC1', 'rm2', 'rmW', '2026-03-08T02:00:00.000Z'),
            soldTo('C1', 'S1', '2026-03-20T02:00:00.000Z'),
          ];
          // The move, recorded last, holds from 8 March: rmW manages C1 on 20 March; on 8 March its manager was rm1.
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
            { conversion_id: 'S1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
            { conversion_id: 'S1', kind: 'shadow', staff_id: 'rmW', unit_id: 'WC1', period: '2026-03' },
          ]);
        });

        it('given a move into WC2 recorded late and dated inside a stay in WC1, the WC2 stay keeps the WC1 stays referrer', () => {
          // Up to WC1 (by rm1, from SB1) on 1 March, back to SB2 (rm2) on 1 April; then recorded: into WC2 dated 15 March.
          const events = [
            ...given(),
            ...centres(),
            ...move('C1', 'SB1', 'WC1', 'rm1', 'rmW', '2026-03-01T02:00:00.000Z'),
            ...move('C1', 'WC1', 'SB2', 'rmW', 'rm2', '2026-04-01T02:00:00.000Z'),
            ...move('C1', 'SB2', 'WC2', 'rm2', 'rmV', '2026-03-15T02:00:00.000Z'),
            soldTo('C1', 'S1', '2026-04-20T02:00:00.000Z'),
          ];
          // The WC2 stay, recorded last, holds from 15 March on; it was entered from the WC1 stay (in force on 15 March), so rm1 of SB1 referred.
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
            { conversion_id: 'S1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-04' },
            { conversion_id: 'S1', kind: 'shadow', staff_id: 'rmV', unit_id: 'WC2', period: '2026-04' },
          ]);
        });
      });

      /**
       * DOMAIN.md (影子考核): "when a customer is moved up to a wealth/private-banking centre, their points still count for
       * the referring sub-branch and referrer". Seed 004: "对支行个人贵宾客户采取理财中心与客户所属网点共营共管的模式,对营销业绩
       * 同时计算为推荐网点/支行和理财中心/私人银行分部业绩" and centres built "(含网点理财室)": a team or room of the centre is
       * the centre. WT1 is a team inside the centre WC1 (its own flag false); ST1 a team of the plain sub-branch SB1.
       */
      describe('a team inside a wealth centre is in the centre', () => {
        const units = () => [
          event('OrgUnitOpened', { unitId: 'WC1', parentId: 'BR1', name: 'WC1', level: 'sub_branch_1', wealthCentre: true }, '2026-01-01T00:00:00.000Z'),
          event('OrgUnitOpened', { unitId: 'WT1', parentId: 'WC1', name: 'WT1', level: 'sub_branch_2', wealthCentre: false }, '2026-01-01T00:00:00.000Z'),
          event('OrgUnitOpened', { unitId: 'WC2', parentId: 'BR1', name: 'WC2', level: 'sub_branch_1', wealthCentre: true }, '2026-01-01T00:00:00.000Z'),
          event('OrgUnitOpened', { unitId: 'ST1', parentId: 'SB1', name: 'ST1', level: 'sub_branch_2', wealthCentre: false }, '2026-01-01T00:00:00.000Z'),
        ];
        const staff = () => [
          event('StaffMemberRegistered', { staffId: 'rmT', unitId: 'WT1', role: 'rm', displayName: 'RM T' }, '2026-01-01T00:00:00.000Z'),
          event('StaffMemberRegistered', { staffId: 'rmV', unitId: 'WC2', role: 'rm', displayName: 'RM V' }, '2026-01-01T00:00:00.000Z'),
          event('StaffMemberRegistered', { staffId: 'rmS', unitId: 'ST1', role: 'rm', displayName: 'RM S' }, '2026-01-01T00:00:00.000Z'),
        ];
        const move = (fromUnitId: string, toUnitId: string, fromStaffId: string, toStaffId: string, occurredAt: string) => [
          event('CustomerTransferred', { customerId: 'C1', fromUnitId, toUnitId, fromStaffId, toStaffId, crossBranch: false }, occurredAt),
          assign(toStaffId, occurredAt),
        ];
        const UP = '2026-02-28T16:30:00.000Z'; // 00:30 Beijing on 1 March
        const sale = (conversionId: string, staffId: string, occurredAt: string) =>
          event('ConversionRecorded', { conversionId, customerId: 'C1', staffId, productCode: 'DEP', amount: '100.00', revenue: '100.00', campaignId: null, referrerStaffId: null, referralId: null }, occurredAt);

        it('given rm1 moves C1 up from SB1 into the team WT1, when rmT sells to C1, then the sale stays rm1s in SB1 and WT1 is scored in shadow', () => {
          const events = [...given(), ...units(), ...staff(), ...move('SB1', 'WT1', 'rm1', 'rmT', UP), sale('S1', 'rmT', '2026-03-09T16:00:00.000Z')];
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
            { conversion_id: 'S1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
            { conversion_id: 'S1', kind: 'shadow', staff_id: 'rmT', unit_id: 'WT1', period: '2026-03' },
          ]);
          // 10,000 fen × 1.5 = 15,000 hundredths: rm1s points in SB1, rmTs shadow in WT1 (the centre WC1 rolls WT1 up).
          expect(byPerson(when(emptyScorecardState(), events, 'sc_person_month'))).toEqual([
            { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, revenue_fen: 10000, points_hundredths: 15000, shadow_hundredths: 0 },
            { period: '2026-03', unit_id: 'WT1', staff_id: 'rmT', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 15000 },
          ]);
        });

        it('given the units as a batch reads them (the team and the centre above it in the state, not opened in the batch), the same', () => {
          const state = emptyScorecardState();
          state.units.set('WT1', { parentId: 'WC1', wealthCentre: false });
          state.units.set('WC1', { parentId: 'BR1', wealthCentre: true });
          state.units.set('BR1', { parentId: null, wealthCentre: false });
          state.units.set('SB1', { parentId: 'BR1', wealthCentre: false });
          const events = [...given(), ...staff(), ...move('SB1', 'WT1', 'rm1', 'rmT', UP), sale('S1', 'rmT', '2026-03-09T16:00:00.000Z')];
          expect(credited(when(state, events, 'sc_credits'))).toEqual([
            { conversion_id: 'S1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
            { conversion_id: 'S1', kind: 'shadow', staff_id: 'rmT', unit_id: 'WT1', period: '2026-03' },
          ]);
        });

        it('given C1 moved up into WT1 by rm1 and then from WT1 to the centre WC2, then the WC2 stay keeps rm1 of SB1: the team is no referring sub-branch', () => {
          const events = [...given(), ...units(), ...staff(), ...move('SB1', 'WT1', 'rm1', 'rmT', UP), ...move('WT1', 'WC2', 'rmT', 'rmV', '2026-03-31T16:30:00.000Z'), sale('S2', 'rmV', '2026-04-02T02:00:00.000Z')];
          const stays = when(emptyScorecardState(), events, 'sc_customer_stays');
          expect(stays.map(({ unit_id, referrer_id, referring_unit_id }) => ({ unit_id, referrer_id, referring_unit_id }))).toEqual([
            { unit_id: 'SB1', referrer_id: null, referring_unit_id: null },
            { unit_id: 'WT1', referrer_id: 'rm1', referring_unit_id: 'SB1' },
            { unit_id: 'WC2', referrer_id: 'rm1', referring_unit_id: 'SB1' },
          ]);
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
            { conversion_id: 'S2', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-04' },
            { conversion_id: 'S2', kind: 'shadow', staff_id: 'rmV', unit_id: 'WC2', period: '2026-04' },
          ]);
        });

        it('given C1 moved from SB1 into ST1, a team of the plain sub-branch SB1, then no referrer: the sale is rmSs alone', () => {
          const events = [...given(), ...units(), ...staff(), ...move('SB1', 'ST1', 'rm1', 'rmS', UP), sale('S3', 'rmS', '2026-03-09T16:00:00.000Z')];
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([{ conversion_id: 'S3', kind: 'sale', staff_id: 'rmS', unit_id: 'ST1', period: '2026-03' }]);
        });
      });

      describe('inWealthCentre', () => {
        const units = new Map([
          ['BR1', { parentId: null, wealthCentre: false }],
          ['WC1', { parentId: 'BR1', wealthCentre: true }],
          ['WT1', { parentId: 'WC1', wealthCentre: false }],
          ['WR1', { parentId: 'WT1', wealthCentre: false }],
          ['SB1', { parentId: 'BR1', wealthCentre: false }],
        ]);
        it('given a centre, a team in it and a room in the team, then all three are in a centre; the branch above and a sub-branch beside are not', () => {
          expect(['WC1', 'WT1', 'WR1', 'BR1', 'SB1'].map((u) => inWealthCentre(units, u))).toEqual([true, true, true, false, false]);
        });
        it('given a unit it does not hold, or none, then not in a centre; a loop of parents ends', () => {
          const loop = new Map([
            ['A', { parentId: 'B', wealthCentre: false }],
            ['B', { parentId: 'A', wealthCentre: false }],
          ]);
          expect([inWealthCentre(units, 'XX'), inWealthCentre(units, null), inWealthCentre(loop, 'A')]).toEqual([false, false, false]);
        });
      });

      describe('up to WC1, back to SB2, up again to WC2, each move at 00:30 Beijing on the first of a month', () => {
        // 00:30 Beijing on 1 March, 1 April and 1 May; 23:30 the night before each; 00:45 on 1 May.
        const UP = '2026-02-28T16:30:00.000Z';
        const BACK = '2026-03-31T16:30:00.000Z';
        const UP_AGAIN = '2026-04-30T16:30:00.000Z';
        const transfer = (fromUnitId: string, toUnitId: string, fromStaffId: string, toStaffId: string, occurredAt: string) => [
          event('CustomerTransferred', { customerId: 'C1', fromUnitId, toUnitId, fromStaffId, toStaffId, crossBranch: false }, occurredAt),
          assign(toStaffId, occurredAt),
        ];
        const moves = () => [
          ...given(), // rm1 in SB1 manages C1 (SB1) from 2 January; rm2 in SB2
          rm3(),
          ...['WC1', 'WC2'].map((unitId) => event('OrgUnitOpened', { unitId, parentId: 'BR1', name: unitId, level: 'sub_branch_1', wealthCentre: true }, '2026-01-01T00:00:00.000Z')),
          event('StaffMemberRegistered', { staffId: 'rmW', unitId: 'WC1', role: 'rm', displayName: 'RM W' }, '2026-01-01T00:00:00.000Z'),
          event('StaffMemberRegistered', { staffId: 'rmV', unitId: 'WC2', role: 'rm', displayName: 'RM V' }, '2026-01-01T00:00:00.000Z'),
          ...transfer('SB1', 'WC1', 'rm1', 'rmW', UP),
          event('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB3' }, '2026-03-15T02:00:00.000Z'), // the referrer moves on
          ...transfer('WC1', 'SB2', 'rmW', 'rm2', BACK),
          ...transfer('SB2', 'WC2', 'rm2', 'rmV', UP_AGAIN),
        ];
        // Recorded after every move, not in business-time order.
        const sales = () => [
          sold('S3', '40.00', '2026-04-30T15:30:00.000Z'), // 23:30 on 30 April: back in SB2 under rm2
          sold('S2', '20.00', '2026-03-31T15:30:00.000Z'), // 23:30 on 31 March: in the EARLIER stay, WC1 under rmW
          sold('S4', '80.00', '2026-04-30T16:45:00.000Z'), // 00:45 on 1 May: in the later stay, WC2 under rmV
          sold('S1', '10.00', '2026-02-28T15:30:00.000Z'), // 23:30 on 28 February: before the first move up, rm1
        ];
        const sorted = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

        it('keeps each stay as an interval of business time, a stay in a centre with its referrer and their sub-branch then', () => {
          const stays = when(emptyScorecardState(), [...moves(), ...sales()], 'sc_customer_stays');
          expect(stays.map(({ unit_id, valid_from, valid_to, referrer_id, referring_unit_id }) => ({ unit_id, valid_from, valid_to, referrer_id, referring_unit_id }))).toEqual([
            { unit_id: 'SB1', valid_from: null, valid_to: UP, referrer_id: null, referring_unit_id: null },
            { unit_id: 'WC1', valid_from: UP, valid_to: BACK, referrer_id: 'rm1', referring_unit_id: 'SB1' },
            { unit_id: 'SB2', valid_from: BACK, valid_to: UP_AGAIN, referrer_id: null, referring_unit_id: null },
            { unit_id: 'WC2', valid_from: UP_AGAIN, valid_to: null, referrer_id: 'rm2', referring_unit_id: 'SB2' },
          ]);
        });

        it('credits a sale dated in the earlier stay to its referrer and centre, one between the stays plainly, one in the later stay to the later referrer and centre', () => {
          const events = [...moves(), ...sales()];
          // S1 (28 Feb, before the move up): rm1, in SB1 then. S2 (31 March, WC1 stay): the sale to rm1 in SB1, the
          // sub-branch rm1 moved C1 up from (rm1 is in SB3 by then), the shadow to rmW in WC1. S3 (30 April, between
          // the stays): rm2 in SB2. S4 (1 May, WC2 stay): the sale to rm2 in SB2, the shadow to rmV in WC2.
          expect(sorted(credited(when(emptyScorecardState(), events, 'sc_credits')))).toEqual(
            sorted([
              { conversion_id: 'S1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-02' },
              { conversion_id: 'S2', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
              { conversion_id: 'S2', kind: 'shadow', staff_id: 'rmW', unit_id: 'WC1', period: '2026-03' },
              { conversion_id: 'S3', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-04' },
              { conversion_id: 'S4', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-05' },
              { conversion_id: 'S4', kind: 'shadow', staff_id: 'rmV', unit_id: 'WC2', period: '2026-05' },
            ]),
          );
        });

        it('given the shadow-credited sale in the earlier stay reversed, takes its sale and its shadow off their months', () => {
          const events = [...moves(), ...sales(), event('ConversionReversed', { customerId: 'C1', conversionId: 'S2' }, '2026-05-06T02:00:00.000Z')];
          // Fen × 1.5 in hundredths: S1 1,000 → 1,500; S2 2,000 → 3,000 (taken off again: 0); S3 4,000 → 6,000; S4 8,000 → 12,000.
          expect(sorted(byPerson(when(emptyScorecardState(), events, 'sc_person_month')))).toEqual(
            sorted([
              { period: '2026-02', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, revenue_fen: 1000, points_hundredths: 1500, shadow_hundredths: 0 },
              { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 0 },
              { period: '2026-03', unit_id: 'WC1', staff_id: 'rmW', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 0 },
              { period: '2026-04', unit_id: 'SB2', staff_id: 'rm2', conversions: 1, revenue_fen: 4000, points_hundredths: 6000, shadow_hundredths: 0 },
              { period: '2026-05', unit_id: 'SB2', staff_id: 'rm2', conversions: 1, revenue_fen: 8000, points_hundredths: 12000, shadow_hundredths: 0 },
              { period: '2026-05', unit_id: 'WC2', staff_id: 'rmV', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 12000 },
            ]),
          );
          const reversed = when(emptyScorecardState(), events, 'sc_credits').filter((r) => r.reversed);
          expect(sorted(reversed.map(({ conversion_id, kind }) => ({ conversion_id, kind })))).toEqual([
            { conversion_id: 'S2', kind: 'sale' },
            { conversion_id: 'S2', kind: 'shadow' },
          ]);
        });

        it('given a backdated move out recorded after the move up, the last recorded supersedes: the stay in WC1 covers nothing', () => {
          const events = [
            ...moves().slice(0, -5), // up to WC1 at 00:30 on 1 March; not rm1's move nor the two transfers after
            ...transfer('WC1', 'SB2', 'rmW', 'rm2', '2026-02-15T02:00:00.000Z'), // 10:00 on 15 February, recorded last
            sold('S8', '10.00', '2026-03-10T02:00:00.000Z'), // 10 March
          ];
          // The write side's rule (the customer aggregate: the last recorded transfer is the home unit, the last recorded
          // assignment the manager): SB2 and rm2 from 15 February on, now included; WC1 from 1 March covers nothing.
          expect(when(emptyScorecardState(), events, 'sc_customer_stays').map(({ unit_id, valid_from, valid_to }) => ({ unit_id, valid_from, valid_to }))).toEqual([
            { unit_id: 'SB1', valid_from: null, valid_to: '2026-02-15T02:00:00.000Z' },
            { unit_id: 'WC1', valid_from: UP, valid_to: UP },
            { unit_id: 'SB2', valid_from: '2026-02-15T02:00:00.000Z', valid_to: null },
          ]);
          // S8: no stay in a centre then, rm2 the manager: rm2's plain sale in SB2.
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([{ conversion_id: 'S8', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-03' }]);
        });

        it('given a move up recorded after a sale dated after it, places that sale as the log knew it, and one recorded after the move in the stay', () => {
          const events = [
            ...moves().filter((e) => !(e.type === 'CustomerTransferred' && (e.data as { toUnitId: string }).toUnitId === 'WC2') && !(e.type === 'CustomerAssignedToManager' && (e.data as { staffId: string }).staffId === 'rmV')),
            sold('S5', '10.00', '2026-04-30T17:00:00.000Z'), // 01:00 on 1 May, recorded before the move up at 00:30
            ...transfer('SB2', 'WC2', 'rm2', 'rmV', UP_AGAIN),
            sold('S6', '20.00', '2026-04-30T17:00:00.000Z'), // 01:00 on 1 May, recorded after it
            sold('S7', '40.00', '2026-04-30T15:30:00.000Z'), // 23:30 on 30 April, recorded after it: before the move up
          ];
          // S5: when recorded the log knew C1 in SB2 under rm2 (as a reassignment recorded later does not move a credit
          // made): rm2's plain sale. S6: in the WC2 stay: rm2 keeps it in SB2, rmV its shadow in WC2. S7: dated before the
          // move up: simply rm2's sale (not rm2 twice).
          expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([
            { conversion_id: 'S5', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-05' },
            { conversion_id: 'S6', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-05' },
            { conversion_id: 'S6', kind: 'shadow', staff_id: 'rmV', unit_id: 'WC2', period: '2026-05' },
            { conversion_id: 'S7', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-04' },
          ]);
        });
      });
    });

    it('given a manager who moved unit between the sale and its recording, and was replaced, credits them in the unit they were in at the sale', () => {
      const events = [
        ...given(), // rm1 in SB1, C1 theirs from 2 January
        rm3(),
        event('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB3' }, '2026-03-20T02:00:00.000Z'),
        assign('rm2', '2026-03-25T02:00:00.000Z'),
        sold('V1', '10.00', '2026-03-15T02:00:00.000Z'), // 15 March: rm1's customer, rm1 in SB1
      ];
      expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([{ conversion_id: 'V1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' }]);
    });

    it('given a backdated move recorded after a later one, the later recorded supersedes: the person is in its unit from its start and now', () => {
      const events = [
        ...given(), // rm1 in SB1 from the beginning
        rm3(),
        event('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB3' }, '2026-03-20T02:00:00.000Z'),
        event('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB2' }, '2026-03-10T02:00:00.000Z'), // recorded second
        sold('V1', '10.00', '2026-03-15T02:00:00.000Z'),
      ];
      // The write side's rule (the organisation: the last recorded move is the person's unit): SB1 until 10 March, SB2
      // (recorded last) from 10 March on, now included; SB3's from 20 March is superseded from its start (covers nothing).
      const units = when(emptyScorecardState(), events, 'sc_staff_units').filter((r) => r.staff_id === 'rm1');
      expect(units.map(({ unit_id, valid_from, valid_to }) => ({ unit_id, valid_from, valid_to }))).toEqual([
        { unit_id: 'SB1', valid_from: null, valid_to: '2026-03-10T02:00:00.000Z' },
        { unit_id: 'SB3', valid_from: '2026-03-20T02:00:00.000Z', valid_to: '2026-03-20T02:00:00.000Z' },
        { unit_id: 'SB2', valid_from: '2026-03-10T02:00:00.000Z', valid_to: null },
      ]);
      expect(when(emptyScorecardState(), events, 'sc_staff').find((r) => r.staff_id === 'rm1')).toMatchObject({ unit_id: 'SB2' });
      expect(credited(when(emptyScorecardState(), events, 'sc_credits'))).toEqual([{ conversion_id: 'V1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB2', period: '2026-03' }]);
    });
  });
});
