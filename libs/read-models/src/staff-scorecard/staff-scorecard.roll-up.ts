import { formatFen, fromHundredths } from '@app/domain';
import type { Figures, PersonScore, UnitScore } from './staff-scorecard.query';

/**
 * Each row's rank in its unit by score, highest first: 1 + how many rows of the same unit scored
 * more, so a tie shares a rank and the next rank is skipped (900, 500, 500, 100 → 1, 2, 2, 4).
 * Sorted once, O(n log n) however many people a unit has.
 */
export function ranksInUnit(rows: readonly { readonly unitId: string; readonly scoreHundredths: number }[]): number[] {
  const order = rows.map((_, i) => i);
  order.sort((a, b) => {
    const x = rows[a]!;
    const y = rows[b]!;
    return x.unitId < y.unitId ? -1 : x.unitId > y.unitId ? 1 : y.scoreHundredths - x.scoreHundredths;
  });
  const ranks = new Array<number>(rows.length);
  // Walking the unit's rows best first: `first` is where the unit starts, `tied` where the current score starts.
  let first = 0;
  let tied = 0;
  for (let k = 0; k < order.length; k++) {
    const row = rows[order[k]!]!;
    const before = k > 0 ? rows[order[k - 1]!]! : undefined;
    if (!before || before.unitId !== row.unitId) first = tied = k;
    else if (before.scoreHundredths !== row.scoreHundredths) tied = k;
    ranks[order[k]!] = 1 + tied - first;
  }
  return ranks;
}

/** A unit of the tree the scorecard covers, as read. */
export interface UnitRow {
  readonly unit_id: string;
  readonly parent_id: string | null;
  readonly name: string;
}

/**
 * Each unit's figures: the sums of the person-unit rows at or below it, at any depth, and the
 * number of different people among them (someone who moved between two units under it counts
 * once, their rows both summed). A row is taken up its unit's chain of parents once, so the cost
 * is rows × depth, not rows × units. Sums are of integers (fen, hundredths), never of the
 * formatted figures; attainment is the score over the unit's target (the first given for it).
 */
export function rollUp(
  units: readonly UnitRow[],
  people: readonly { readonly person: Pick<PersonScore, 'staffId' | 'unitId' | 'conversions'>; readonly figures: Figures }[],
  targets: readonly { readonly subject_id: string; readonly points_hundredths: string | number }[],
): UnitScore[] {
  const parent = new Map(units.map((u) => [u.unit_id, u.parent_id]));
  const totals = new Map(units.map((u) => [u.unit_id, { staff: new Set<string>(), conversions: 0, revenueFen: 0, pointsHundredths: 0, shadowHundredths: 0, scoreHundredths: 0 }]));
  for (const { person, figures } of people) {
    // The unit itself, then its parents while they are in the tree; bounded, should the tree ever loop.
    let steps = 0;
    for (let u: string | null | undefined = person.unitId; u && steps <= units.length; u = parent.get(u), steps++) {
      const t = totals.get(u);
      if (!t) continue;
      t.staff.add(person.staffId);
      t.conversions += person.conversions;
      t.revenueFen += figures.revenueFen;
      t.pointsHundredths += figures.pointsHundredths;
      t.shadowHundredths += figures.shadowHundredths;
      t.scoreHundredths += figures.scoreHundredths;
    }
  }
  const targetOf = new Map<string, number>();
  for (const t of targets) if (!targetOf.has(t.subject_id)) targetOf.set(t.subject_id, Number(t.points_hundredths));
  return units.map((u): UnitScore => {
    const t = totals.get(u.unit_id)!;
    const target = targetOf.get(u.unit_id) ?? null;
    return {
      unitId: u.unit_id,
      name: u.name,
      parentId: u.parent_id,
      people: t.staff.size,
      conversions: t.conversions,
      revenue: formatFen(t.revenueFen),
      points: fromHundredths(t.pointsHundredths),
      shadowPoints: fromHundredths(t.shadowHundredths),
      score: fromHundredths(t.scoreHundredths),
      target: target === null ? null : fromHundredths(target),
      attainment: target ? t.scoreHundredths / target : null,
    };
  });
}
