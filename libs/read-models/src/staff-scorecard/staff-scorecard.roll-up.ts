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

/** A unit of the tree the scorecard covers, as read. */
export interface UnitRow {
  readonly unit_id: string;
  readonly parent_id: string | null;
  readonly name: string;
}

/** One unit's own month, summed in the database over its person-unit rows (integers). */
export interface UnitSums {
  readonly unitId: string;
  /** Its person-unit rows: different people, each in it once. */
  readonly people: number;
  readonly conversions: number;
  readonly revenueFen: number;
  readonly pointsHundredths: number;
  readonly shadowHundredths: number;
  readonly scoreHundredths: number;
}

/**
 * Each unit's figures: the sums of the units at or below it, at any depth, and the number of
 * different people among their rows (someone who moved between two units under it counts once,
 * their rows both summed: `movers`, the units of each person with rows in more than one). Each
 * unit's sums are taken up its chain of parents once, so the cost is units × depth, whatever the
 * number of people. Sums are of integers (fen, hundredths), never of the formatted figures;
 * attainment is the score over the unit's target (the first given for it).
 */
export function rollUp(
  units: readonly UnitRow[],
  sums: readonly UnitSums[],
  movers: readonly (readonly string[])[],
  targets: readonly { readonly subject_id: string; readonly points_hundredths: string | number }[],
): UnitScore[] {
  const parent = new Map(units.map((u) => [u.unit_id, u.parent_id]));
  const totals = new Map(units.map((u) => [u.unit_id, { people: 0, conversions: 0, revenueFen: 0, pointsHundredths: 0, shadowHundredths: 0, scoreHundredths: 0 }]));
  /** The unit itself, then its parents while they are in the tree; bounded, should the tree ever loop. */
  const upFrom = function* (unitId: string) {
    let steps = 0;
    for (let u: string | null | undefined = unitId; u && steps <= units.length; u = parent.get(u), steps++) {
      const t = totals.get(u);
      if (t) yield t;
    }
  };
  for (const s of sums) {
    for (const t of upFrom(s.unitId)) {
      t.people += s.people;
      t.conversions += s.conversions;
      t.revenueFen += s.revenueFen;
      t.pointsHundredths += s.pointsHundredths;
      t.shadowHundredths += s.shadowHundredths;
      t.scoreHundredths += s.scoreHundredths;
    }
  }
  // A person with n of their units at or below a unit was counted there n times: once is right.
  for (const theirs of movers) {
    const seen = new Map<object, number>();
    for (const unitId of theirs) for (const t of upFrom(unitId)) seen.set(t, (seen.get(t) ?? 0) + 1);
    for (const [t, n] of seen) (t as { people: number }).people -= n - 1;
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
      people: t.people,
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
