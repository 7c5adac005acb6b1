import type { Queryable } from '../runner/read-model-position';
import { formatFen } from '@app/domain';

export interface PersonScore {
  readonly staffId: string;
  readonly displayName: string;
  readonly role: string;
  readonly unitId: string;
  readonly conversions: number;
  readonly referrals: number;
  readonly revenue: string;
  readonly points: number;
  /** Points of customers moved up to a wealth centre, scored for the centre alongside the referrer (影子考核). */
  readonly shadowPoints: number;
  readonly complaints: number;
  /** Different customers they contacted in the month. */
  readonly customersContacted: number;
  /** Complaints about their contacts per customer they contacted, in the month (001 服务准则 4); null without contacts. */
  readonly complaintRate: number | null;
  readonly unsuitableAttempts: number;
  /** Points less the penalties for complaints and mis-selling, each at the amount in force when it was recorded. */
  readonly score: number;
  readonly contacts: number;
  readonly assignedCustomers: number;
  /** Assigned customers contacted in the period / assigned customers (客户维护计划). */
  readonly maintenanceAdherence: number | null;
  readonly target: number | null;
  readonly attainment: number | null;
  /** 1 = best score among the people of the same unit. */
  readonly rankInUnit: number;
}

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

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The scorecard of a month for everyone at or below `orgUnit` (all units when absent), with
 * roll-ups: each unit sums the people under it, at any depth.
 */
export async function scorecard(pool: Queryable, period: string, orgUnit?: string): Promise<{ people: PersonScore[]; units: UnitScore[] }> {
  const { rows: units } = await pool.query<{ unit_id: string; parent_id: string | null; name: string }>(
    `WITH RECURSIVE sub AS (
       SELECT unit_id, parent_id, name FROM sc_units WHERE ($1::text IS NULL AND parent_id IS NULL) OR unit_id = $1
       UNION ALL SELECT u.unit_id, u.parent_id, u.name FROM sc_units u JOIN sub ON u.parent_id = sub.unit_id)
     SELECT * FROM sub`,
    [orgUnit ?? null],
  );
  const unitIds = units.map((u) => u.unit_id);
  const { rows } = await pool.query(
    `SELECT s.staff_id, s.display_name, s.role, s.unit_id,
       COALESCE(c.conversions, 0) AS conversions, COALESCE(c.referrals, 0) AS referrals, COALESCE(c.revenue_fen, 0) AS revenue_fen,
       COALESCE(c.points, 0) AS points, COALESCE(c.shadow_points, 0) AS shadow_points,
       COALESCE(a.contacts, 0) AS contacts, COALESCE(a.complaints, 0) AS complaints, COALESCE(a.unsuitable, 0) AS unsuitable,
       COALESCE(a.penalties, 0) AS penalties, COALESCE(a.customers_contacted, 0) AS customers_contacted,
       (SELECT count(*) FROM sc_customers m WHERE m.manager_id = s.staff_id) AS assigned,
       (SELECT count(DISTINCT m.customer_id) FROM sc_customers m JOIN sc_activity x ON x.customer_id = m.customer_id AND x.kind = 'contact' AND x.period = $1
         WHERE m.manager_id = s.staff_id) AS assigned_contacted,
       t.points AS target
     FROM sc_staff s
     LEFT JOIN (
       SELECT staff_id,
         sum(conversions) FILTER (WHERE kind = 'sale') AS conversions,
         count(*) FILTER (WHERE kind = 'referral') AS referrals,
         sum(revenue_fen) FILTER (WHERE kind IN ('sale', 'referral')) AS revenue_fen,
         sum(points) FILTER (WHERE kind IN ('sale', 'referral')) AS points,
         sum(points) FILTER (WHERE kind = 'shadow') AS shadow_points
       FROM sc_credits WHERE period = $1 AND NOT reversed GROUP BY staff_id) c ON c.staff_id = s.staff_id
     LEFT JOIN (
       SELECT staff_id, count(*) FILTER (WHERE kind = 'contact') AS contacts, count(*) FILTER (WHERE kind = 'complaint') AS complaints,
              count(DISTINCT customer_id) FILTER (WHERE kind = 'contact') AS customers_contacted,
              count(*) FILTER (WHERE kind = 'unsuitable') AS unsuitable, sum(penalty) AS penalties
       FROM sc_activity WHERE period = $1 GROUP BY staff_id) a ON a.staff_id = s.staff_id
     LEFT JOIN sc_targets t ON t.subject_id = s.staff_id AND t.period = $1
     WHERE s.unit_id = ANY($2::text[])
     ORDER BY s.staff_id`,
    [period, unitIds],
  );
  const people = rows.map((r): Omit<PersonScore, 'rankInUnit'> => {
    const points = Number(r.points);
    const score = round2(points - Number(r.penalties));
    const target = r.target === null ? null : Number(r.target);
    const assigned = Number(r.assigned);
    return {
      staffId: r.staff_id,
      displayName: r.display_name,
      role: r.role,
      unitId: r.unit_id,
      conversions: Number(r.conversions),
      referrals: Number(r.referrals),
      revenue: formatFen(Number(r.revenue_fen)),
      points: round2(points),
      shadowPoints: round2(Number(r.shadow_points)),
      complaints: Number(r.complaints),
      customersContacted: Number(r.customers_contacted),
      complaintRate: Number(r.customers_contacted) > 0 ? Number(r.complaints) / Number(r.customers_contacted) : null,
      unsuitableAttempts: Number(r.unsuitable),
      score,
      contacts: Number(r.contacts),
      assignedCustomers: assigned,
      maintenanceAdherence: assigned > 0 ? Number(r.assigned_contacted) / assigned : null,
      target,
      attainment: target ? score / target : null,
    };
  });
  const ranked: PersonScore[] = people.map((p) => ({
    ...p,
    rankInUnit: 1 + people.filter((o) => o.unitId === p.unitId && o.score > p.score).length,
  }));

  const { rows: unitTargets } = await pool.query<{ subject_id: string; points: string }>(`SELECT subject_id, points FROM sc_targets WHERE period = $1 AND subject_id = ANY($2::text[])`, [
    period,
    unitIds,
  ]);
  const parent = new Map(units.map((u) => [u.unit_id, u.parent_id]));
  const under = (unitId: string, of: string): boolean => {
    for (let u: string | null | undefined = unitId; u; u = parent.get(u)) if (u === of) return true;
    return false;
  };
  const unitScores = units.map((u): UnitScore => {
    const mine = ranked.filter((p) => under(p.unitId, u.unit_id));
    const score = round2(mine.reduce((s, p) => s + p.score, 0));
    const t = unitTargets.find((x) => x.subject_id === u.unit_id);
    const target = t ? Number(t.points) : null;
    return {
      unitId: u.unit_id,
      name: u.name,
      parentId: u.parent_id,
      people: mine.length,
      conversions: mine.reduce((s, p) => s + p.conversions, 0),
      revenue: formatFen(mine.reduce((s, p) => s + Math.round(Number(p.revenue) * 100), 0)),
      points: round2(mine.reduce((s, p) => s + p.points, 0)),
      shadowPoints: round2(mine.reduce((s, p) => s + p.shadowPoints, 0)),
      score,
      target,
      attainment: target ? score / target : null,
    };
  });
  return { people: ranked, units: unitScores };
}

/** One person's credits in a month: the sales behind their figures. */
export async function personCredits(pool: Queryable, staffId: string, period: string) {
  const { rows } = await pool.query(
    `SELECT customer_id, conversion_id, product_code, kind, revenue_fen, points, event_id, occurred_at, reversed
     FROM sc_credits WHERE staff_id = $1 AND period = $2 ORDER BY occurred_at, conversion_id, kind`,
    [staffId, period],
  );
  return rows.map((r) => ({
    customerId: r.customer_id as string,
    conversionId: r.conversion_id as string,
    productCode: r.product_code as string,
    kind: r.kind as string,
    revenue: formatFen(Number(r.revenue_fen)),
    points: Number(r.points),
    eventId: r.event_id as string,
    occurredAt: (r.occurred_at as Date).toISOString(),
    reversed: r.reversed as boolean,
  }));
}
