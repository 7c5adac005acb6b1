import { coverageEffects, intervalMonths, mergeRanges, moverMonths, peopleDeltas, personCoverage } from './staff-scorecard.people';
import type { StaffInterval } from './staff-scorecard.intervals';

const t = (iso: string) => Date.parse(iso);
const interval = (seq: number, unitId: string, validFrom: string | null): StaffInterval => ({ eventId: `e${seq}`, seq: BigInt(seq), unitId, validFrom: validFrom === null ? null : t(validFrom) });

describe('a person coverage (people counters, staff-scorecard v12)', () => {
  it('takes the months of an interval by its first and last instants in Beijing', () => {
    // 23:30 on 31 March Beijing is 15:30 UTC the same day: March; ending at 00:30 on 1 April Beijing (16:30 UTC on 31 March), its last instant is in April.
    expect(intervalMonths(t('2026-03-31T23:30:00+08:00'), t('2026-04-01T00:30:00+08:00'))).toEqual({ from: '2026-03', to: '2026-04' });
    // ending at midnight Beijing on 1 April: its last instant is 23:59:59.999 on 31 March, March
    expect(intervalMonths(null, t('2026-04-01T00:00:00+08:00'))).toEqual({ from: null, to: '2026-03' });
    // superseded from its start: no month
    expect(intervalMonths(t('2026-03-05T10:00:00+08:00'), t('2026-03-05T10:00:00+08:00'))).toBeNull();
  });

  it('merges ranges that overlap or touch, unbounded ones among them', () => {
    expect(mergeRanges([{ from: '2026-04', to: null }, { from: null, to: '2026-03' }])).toEqual([{ from: null, to: null }]);
    expect(mergeRanges([{ from: '2026-05', to: '2026-05' }, { from: null, to: '2026-02' }, { from: '2026-03', to: '2026-03' }])).toEqual([
      { from: null, to: '2026-03' },
      { from: '2026-05', to: '2026-05' },
    ]);
  });

  // Registered in SB1; moved to SB2 at 23:30 on 31 March, back to SB1 at 00:30 on 1 April; counters in WC in June.
  const mover = [interval(1, 'SB1', null), interval(2, 'SB2', '2026-03-31T23:30:00+08:00'), interval(3, 'SB1', '2026-04-01T00:30:00+08:00')];

  it('counts a person once per unit and range, and in two units only in the months they were in both', () => {
    const c = personCoverage(mover, ['WC\u00002026-06']);
    // SB1: up to March, then April on: one range since the beginning. SB2: March and April. WC: June.
    expect([...peopleDeltas(c)].sort()).toEqual([
      ['SB1\u00000000-00', 1],
      ['SB2\u00002026-03', 1],
      ['SB2\u00002026-05', -1],
      ['WC\u00002026-06', 1],
      ['WC\u00002026-07', -1],
    ]);
    expect([...moverMonths(c)].sort()).toEqual(['SB1\u00002026-03', 'SB1\u00002026-04', 'SB1\u00002026-06', 'SB2\u00002026-03', 'SB2\u00002026-04', 'WC\u00002026-06']);
  });

  it('counts nobody not registered (moved before a registration, which is then ignored)', () => {
    expect(personCoverage([interval(1, 'SB2', '2026-02-10T10:00:00+08:00')], ['SB2\u00002026-03']).size).toBe(0);
    expect(personCoverage(undefined, ['\u00002026-03']).size).toBe(0);
  });

  it('writes only the difference of two coverages', () => {
    // The move back to SB1 (interval 3) added: SB1 gains April on (its −1 in April goes), SB2 loses May on (−1 in May, not from the start of time).
    const was = personCoverage(mover.slice(0, 2), []);
    const now = personCoverage(mover, []);
    const rows = coverageEffects('d1', was, now).map((e) => [e.table, e.row]);
    expect(rows).toEqual([
      ['sc_unit_people', { unit_id: 'SB2', period: '2026-05', people: -1 }],
      ['sc_unit_people', { unit_id: 'SB1', period: '2026-04', people: 1 }],
      ['sc_month_movers', { period: '2026-04', staff_id: 'd1', unit_id: 'SB1', counted: 1 }],
      ['sc_month_movers', { period: '2026-04', staff_id: 'd1', unit_id: 'SB2', counted: 1 }],
    ]);
  });
});
