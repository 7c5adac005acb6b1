import { formatFen, fromHundredths } from '@app/domain';
import type { PeopleReader, PersonScore, Queryable, UnitScore } from '@app/read-models';

/**
 * The scorecard's ranking and roll-up as they were before `ranksInUnit` and `rollUp` (main at
 * a8c1242), kept as the same-run baseline of `scorecard-shape.bench.ts`: each person ranked by
 * counting everyone in the answer (people²), each unit summed by walking every row up the tree
 * (units × rows × depth). Same statements, same answer.
 */
export async function scorecardBefore(pool: Queryable, period: string, orgUnit: string | undefined, read: PeopleReader): Promise<{ people: PersonScore[]; units: UnitScore[] }> {
  const { rows: units } = await pool.query<{ unit_id: string; parent_id: string | null; name: string }>(
    `WITH RECURSIVE sub AS (
       SELECT unit_id, parent_id, name FROM sc_units WHERE ($1::text IS NULL AND parent_id IS NULL) OR unit_id = $1
       UNION ALL SELECT u.unit_id, u.parent_id, u.name FROM sc_units u JOIN sub ON u.parent_id = sub.unit_id)
     SELECT * FROM sub`,
    [orgUnit ?? null],
  );
  const unitIds = units.map((u) => u.unit_id);
  const people = await read(pool, period, { unitIds });
  const ranked: PersonScore[] = people.map(({ person, figures }) => ({
    ...person,
    rankInUnit: 1 + people.filter((o) => o.person.unitId === person.unitId && o.figures.scoreHundredths > figures.scoreHundredths).length,
  }));

  const { rows: unitTargets } = await pool.query<{ subject_id: string; points_hundredths: string }>(
    `SELECT subject_id, points_hundredths FROM sc_targets WHERE period = $1 AND subject_id = ANY($2::text[])`,
    [period, unitIds],
  );
  const parent = new Map(units.map((u) => [u.unit_id, u.parent_id]));
  const under = (unitId: string, of: string): boolean => {
    for (let u: string | null | undefined = unitId; u; u = parent.get(u)) if (u === of) return true;
    return false;
  };
  const sum = (rowsOf: typeof people, f: (x: (typeof people)[number]) => number) => rowsOf.reduce((s, x) => s + f(x), 0);
  const unitScores = units.map((u): UnitScore => {
    const mine = people.filter((p) => under(p.person.unitId, u.unit_id));
    const scoreHundredths = sum(mine, (x) => x.figures.scoreHundredths);
    const t = unitTargets.find((x) => x.subject_id === u.unit_id);
    const target = t ? Number(t.points_hundredths) : null;
    return {
      unitId: u.unit_id,
      name: u.name,
      parentId: u.parent_id,
      people: new Set(mine.map((x) => x.person.staffId)).size,
      conversions: sum(mine, (x) => x.person.conversions),
      revenue: formatFen(sum(mine, (x) => x.figures.revenueFen)),
      points: fromHundredths(sum(mine, (x) => x.figures.pointsHundredths)),
      shadowPoints: fromHundredths(sum(mine, (x) => x.figures.shadowHundredths)),
      score: fromHundredths(scoreHundredths),
      target: target === null ? null : fromHundredths(target),
      attainment: target ? scoreHundredths / target : null,
    };
  });
  return { people: ranked, units: unitScores };
}
