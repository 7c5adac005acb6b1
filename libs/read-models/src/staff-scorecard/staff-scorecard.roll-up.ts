import { formatFen, fromHundredths } from '@app/domain';

/** Integer figures behind a row (fen, hundredths of a point), for sums. */
export interface Figures {
  readonly revenueFen: number;
  readonly pointsHundredths: number;
  readonly shadowHundredths: number;
  readonly scoreHundredths: number;
  readonly targetHundredths: number | null;
}

/** A unit's month: the sums of everyone at or below it. */
export interface UnitScore {
  readonly unitId: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly people: number;
  readonly conversions: number;
  readonly revenue: string;
  readonly points: number;
  readonly shadowPoints: number;
  readonly score: number;
  readonly target: number | null;
  readonly attainment: number | null;
}

/**
 * Each row's rank in its unit by score, highest first: 1 + how many rows of the same unit scored
 * more, so a tie shares a rank and the next rank is skipped (900, 500, 500, 100 → 1, 2, 2, 4).
 * Each unit's rows sorted once: O(n log n), however many people a unit has.
 */
export function ranksInUnit(rows: readonly { readonly unitId: string; readonly scoreHundredths: number }[]): number[] {
  const byUnit = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const unit = byUnit.get(r.unitId);
    if (unit) unit.push(i);
    else byUnit.set(r.unitId, [i]);
  });
  const ranks = new Array<number>(rows.length);
  for (const unit of byUnit.values()) {
    unit.sort((a, b) => rows[b]!.scoreHundredths - rows[a]!.scoreHundredths);
    // Best first: a row tied with the one before shares its rank, any other is ranked by its place.
    unit.forEach((i, k) => (ranks[i] = k > 0 && rows[i]!.scoreHundredths === rows[unit[k - 1]!]!.scoreHundredths ? ranks[unit[k - 1]!]! : k + 1));
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
  people: readonly { readonly person: { readonly staffId: string; readonly unitId: string; readonly conversions: number }; readonly figures: Figures }[],
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
