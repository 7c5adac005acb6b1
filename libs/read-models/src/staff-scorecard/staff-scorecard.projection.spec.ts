import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { staffScorecardProjection, unitAt } from './staff-scorecard.projection';
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
    expect(state.credits.get('C1:V1')!.map((c) => c.reversed)).toEqual([true]);
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
      { eventId: 'a', seq: 1n, unitId: 'SB1', validFrom: null, open: false },
      // Recorded at log position 9, effective from 1 March.
      { eventId: 'b', seq: 9n, unitId: 'SB3', validFrom: Date.parse('2026-03-01T00:00:00.000Z'), open: true },
    ];
    expect(unitAt(intervals, Date.parse(LAST_OF_MARCH), 5n)).toBe('SB1');
    expect(unitAt(intervals, Date.parse(LAST_OF_MARCH), 10n)).toBe('SB3');
    expect(unitAt(undefined, Date.parse(LAST_OF_MARCH), 10n)).toBe('');
  });
});
